import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { RequestContextMiddleware } from './common/request-context.middleware';
import { CoreModule } from './core.module';
import { AccessModule } from './modules/access';
import { AssessmentModule } from './modules/assessment';
import { CalendarModule } from './modules/calendar';
import { ClaimsModule } from './modules/claims';
import { CyclesModule } from './modules/cycles';
import { IntakeModule } from './modules/intake';
import { FundYearModule } from './modules/fund-year';
import { GovernanceModule } from './modules/governance';
import { HealthModule } from './modules/health';
import { PoolingModule } from './modules/pooling';
import { RegistryModule } from './modules/registry';
import { ReviewRulesModule } from './modules/review-rules';

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
        GovernanceModule,
        ReviewRulesModule,
        PoolingModule,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('{*path}');
  }
}
