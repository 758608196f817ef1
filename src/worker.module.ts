import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from './config/app-config';
import { CoreModule } from './core.module';
import { RegistryModule } from './modules/registry/registry.module';
import { JobDispatcher } from './queue/job-dispatcher';
import { RegistryQueueProcessor } from './queue/registry.processor';

/** The worker composition: the same services as the API, queue consumers instead of controllers. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config), DiscoveryModule, RegistryModule],
      providers: [JobDispatcher, RegistryQueueProcessor],
    };
  }
}
