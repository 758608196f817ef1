import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { isRefusal, JobDispatcher } from './job-dispatcher';
import { JOB_NAMES, QueueName } from './jobs';
import { JobMetrics, JobOutcome } from './queue-metrics';
import { workerOptions } from './worker-options';

/**
 * The consumer of one queue: a BullMQ Worker constructed with the configured lock, renewal,
 * stalled-job check and stalled-count limit (see `workerOptions`), handing jobs to their
 * `@JobHandler`. On shutdown it lets the active jobs finish *before* MySQL and Redis
 * connections close (Nest closes those in the later onApplicationShutdown phase).
 */
export abstract class QueueProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private consumer: Worker | null = null;

  protected constructor(
    private readonly queue: QueueName,
    private readonly dispatcher: JobDispatcher,
    private readonly config: AppConfig,
    private readonly metrics: JobMetrics,
  ) {}

  get worker(): Worker {
    if (!this.consumer) throw new Error(`the ${this.queue} worker has not started`);
    return this.consumer;
  }

  // The worker is created once every module has initialised (the dispatcher knows its handlers).
  onApplicationBootstrap(): void {
    const worker = new Worker(this.queue, (job: Job) => this.dispatcher.dispatch(job), workerOptions(this.config));
    worker.on('failed', (job, error) => void this.onFailed(job, error));
    worker.on('stalled', (jobId) => this.onStalled(jobId));
    worker.on('completed', (job) => {
      this.record(job, 'completed');
      this.logger.log(`job ${job.name} ${job.id} completed`);
    });
    worker.on('error', (err) => this.logger.warn(`worker: ${err.message}`));
    this.consumer = worker;
    worker.run().catch((err: unknown) => this.logger.error(`worker stopped: ${err instanceof Error ? err.message : String(err)}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.close();
  }

  /** The attempt's duration, from taking the job to this event, into the deployment's job metrics. */
  private record(job: Job, outcome: JobOutcome): void {
    if (!job.processedOn) return;
    const name = (JOB_NAMES as readonly string[]).includes(job.name) ? job.name : 'unknown';
    // A failed attempt that is retried has no finishedOn of its own (one left from an earlier run is older than processedOn).
    const ended = job.finishedOn && job.finishedOn >= job.processedOn ? job.finishedOn : Date.now();
    this.metrics.record(this.queue, name, outcome, (ended - job.processedOn) / 1000);
  }

  private async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (job) this.record(job, isRefusal(error) ? 'refused' : 'failed');
    const fate = await this.dispatcher.fateOf(job, error);
    const attempts = job?.opts.attempts ?? 1;
    this.logger[fate.final ? 'error' : 'warn'](
      `job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}/${attempts}; ${fate.next}): ${error.message}`,
    );
  }

  private onStalled(jobId: string): void {
    this.logger.warn(`job ${jobId} stalled (its worker stopped); it runs again`);
    this.metrics.recordStall(this.queue);
    void this.dispatcher.markStalled(jobId).catch(() => undefined);
  }
}
