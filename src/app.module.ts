import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { RequestContextMiddleware } from './common/request-context.middleware';
import { CoreModule } from './core.module';
import { HealthModule } from './modules/health/health.module';
import { RegistryModule } from './modules/registry/registry.module';

/** The HTTP API composition. */
@Module({})
export class AppModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: [CoreModule.forRoot(config), HealthModule, RegistryModule] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*');
  }
}
