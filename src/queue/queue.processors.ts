import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobDispatcher } from './job-dispatcher';
import { QUEUES } from './jobs';
import { QueueProcessor } from './queue-processor.base';

@Processor(QUEUES.registry)
export class RegistryQueueProcessor extends QueueProcessor {
  constructor(dispatcher: JobDispatcher, @Inject(APP_CONFIG) config: AppConfig) {
    super(dispatcher, config);
  }
}

@Processor(QUEUES.intake)
export class IntakeQueueProcessor extends QueueProcessor {
  constructor(dispatcher: JobDispatcher, @Inject(APP_CONFIG) config: AppConfig) {
    super(dispatcher, config);
  }
}
