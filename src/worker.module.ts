import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from './config/app-config';
import { CoreModule } from './core.module';
import { AssessmentModule } from './modules/assessment';
import { RegistryModule } from './modules/registry';
import { JobDispatcher } from './queue/job-dispatcher';
import { CyclesQueueProcessor, IntakeQueueProcessor, NotifyQueueProcessor, RegistryQueueProcessor } from './queue/queue.processors';
import { CyclesModule } from './modules/cycles';
import { CycleScheduler } from './modules/cycles';
import { IntakeModule } from './modules/intake';
import { GovernanceModule } from './modules/governance';
import { ReviewRulesModule } from './modules/review-rules';

/** The worker composition: the same services as the API, queue consumers instead of controllers. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      // GovernanceModule: its deadlines (a dispute's rectification) join the daily deadline watch.
      imports: [
        CoreModule.forRoot(config),
        DiscoveryModule,
        RegistryModule,
        IntakeModule,
        AssessmentModule,
        CyclesModule,
        GovernanceModule,
        ReviewRulesModule,
      ],
      providers: [JobDispatcher, RegistryQueueProcessor, IntakeQueueProcessor, CyclesQueueProcessor, NotifyQueueProcessor, CycleScheduler],
    };
  }
}
