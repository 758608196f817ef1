import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { JobDispatcher } from './job-dispatcher';

/**
 * Base of every queue consumer: hands jobs to their `@JobHandler`, and on shutdown lets the
 * active jobs finish *before* MySQL and Redis connections close (Nest closes those in the
 * later onApplicationShutdown phase, which is where @nestjs/bullmq would close the worker).
 */
export abstract class QueueProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);

  protected constructor(
    private readonly dispatcher: JobDispatcher,
    private readonly config: AppConfig,
  ) {
    super();
  }

  // The worker exists once every module has initialised; it is created with `autorun: false`
  // so that the configured lock and stalled-job check apply from its first job.
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.queue.concurrency;
    Object.assign(this.worker.opts, {
      lockDuration: this.config.queue.lockMs,
      lockRenewTime: Math.floor(this.config.queue.lockMs / 2),
      stalledInterval: this.config.queue.stalledCheckMs,
    });
    this.worker.run().catch((err: unknown) => this.logger.error(`worker stopped: ${err instanceof Error ? err.message : String(err)}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  process(job: Job): Promise<unknown> {
    return this.dispatcher.dispatch(job);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    const attempts = job?.opts.attempts ?? 1;
    const final = !job || job.attemptsMade >= attempts;
    this.logger[final ? 'error' : 'warn'](
      `job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}/${attempts}${final ? ', giving up' : ', will retry'}): ${error.message}`,
    );
  }

  @OnWorkerEvent('stalled')
  onStalled(jobId: string): void {
    this.logger.warn(`job ${jobId} stalled (its worker stopped); it runs again`);
    void this.dispatcher.markStalled(jobId).catch(() => undefined);
  }

  @OnWorkerEvent('completed')
  onCompleted(job: Job): void {
    this.logger.log(`job ${job.name} ${job.id} completed`);
  }
}
