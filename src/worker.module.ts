import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from './config/app-config';
import { CoreModule } from './core.module';
import { AssessmentModule } from './modules/assessment/assessment.module';
import { RegistryModule } from './modules/registry/registry.module';
import { JobDispatcher } from './queue/job-dispatcher';
import { CyclesQueueProcessor, IntakeQueueProcessor, NotifyQueueProcessor, RegistryQueueProcessor } from './queue/queue.processors';
import { CyclesModule } from './modules/cycles/cycles.module';
import { CycleScheduler } from './modules/cycles/cycle-scheduler';
import { IntakeModule } from './modules/intake/intake.module';

/** The worker composition: the same services as the API, queue consumers instead of controllers. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config), DiscoveryModule, RegistryModule, IntakeModule, AssessmentModule, CyclesModule],
      providers: [JobDispatcher, RegistryQueueProcessor, IntakeQueueProcessor, CyclesQueueProcessor, NotifyQueueProcessor, CycleScheduler],
    };
  }
}
