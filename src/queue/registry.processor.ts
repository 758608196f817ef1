import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobDispatcher } from './job-dispatcher';
import { QUEUES } from './jobs';

/** Consumes the registry queue; the work itself lives in the `@JobHandler` methods. */
@Processor(QUEUES.registry)
export class RegistryQueueProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly dispatcher: JobDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  // The worker exists once every module has initialised.
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.queue.concurrency;
  }

  process(job: Job): Promise<unknown> {
    return this.dispatcher.dispatch(job);
  }
}
