import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { RequestContextMiddleware } from './common/request-context.middleware';
import { CoreModule } from './core.module';
import { AccessModule } from './modules/access/access.module';
import { AssessmentModule } from './modules/assessment/assessment.module';
import { CalendarModule } from './modules/calendar/calendar.module';
import { ClaimsModule } from './modules/claims/claims.module';
import { CyclesModule } from './modules/cycles/cycles.module';
import { IntakeModule } from './modules/intake/intake.module';
import { FundYearModule } from './modules/fund-year/fund-year.module';
import { HealthModule } from './modules/health/health.module';
import { RegistryModule } from './modules/registry/registry.module';

/** The HTTP API composition. */
@Module({})
export class AppModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        AccessModule,
        HealthModule,
        RegistryModule,
        FundYearModule,
        CalendarModule,
        IntakeModule,
        ClaimsModule,
        AssessmentModule,
        CyclesModule,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('{*path}');
  }
}
