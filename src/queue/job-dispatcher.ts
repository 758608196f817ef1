import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Job, UnrecoverableError } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { runInContext } from '../common/request-context';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../domain/domain-error';
import { JOB_HANDLER } from './job-handler.decorator';
import { JobRefusals } from './job-refusals';
import { JobRunsService } from './job-runs.service';
import { JOB_NAMES, JobName, JobPayloads } from './jobs';
import { OutboxService } from './outbox.service';

type Handler = (payload: JobPayloads[JobName], job: Job) => Promise<unknown>;

export class JobRegistrationError extends Error {}

/** Finds every `@JobHandler` method at start-up and routes each job to its one handler. */
@Injectable()
export class JobDispatcher implements OnModuleInit {
  private readonly logger = new Logger(JobDispatcher.name);
  private readonly handlers = new Map<JobName, Handler>();
  /** Jobs running in this process, by id: a job never runs twice at once here. */
  private readonly active = new Map<string, Promise<unknown>>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly runs: JobRunsService,
    private readonly outbox: OutboxService,
    private readonly refusals: JobRefusals,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const found = new Map<JobName, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, (prototype as Record<string, never>)[method]);
        if (!name) continue;
        found.set(name, [...(found.get(name) ?? []), `${instance.constructor.name}.${method}`]);
        this.handlers.set(name, (instance[method] as Handler).bind(instance));
      }
    }
    const problems = [
      ...JOB_NAMES.filter((n) => !found.has(n)).map((n) => `job ${n} has no handler`),
      ...[...found]
        .filter(([, where]) => where.length > 1)
        .map(([n, where]) => `job ${n} has ${where.length} handlers: ${where.join(', ')}`),
      ...[...found.keys()].filter((n) => !JOB_NAMES.includes(n)).map((n) => `handler for undeclared job ${n}`),
    ];
    if (problems.length) throw new JobRegistrationError(`worker job registry is inconsistent: ${problems.join('; ')}`);
    this.logger.log(`job handlers: ${[...found].map(([n, where]) => `${n} → ${where[0]}`).join(', ')}`);
  }

  registeredJobs(): JobName[] {
    return [...this.handlers.keys()];
  }

  /**
   * Runs a job's handler, recording the run; a finished job completes its outbox row. A job
   * that arrives again while it still runs here (Redis lost its lock, say, after a flush) waits
   * for that run to end, and a run of it in another worker holds it off too (a MySQL lock). A rule's refusal (`DomainError`) is final: the job is not retried, and
   * its outbox row keeps the reason.
   */
  async dispatch(job: Job): Promise<unknown> {
    const id = job.id!;
    const running = this.active.get(id);
    if (running) {
      this.logger.warn(`job ${job.name} ${id} arrived again while it runs here: it waits for that run to end`);
      await running.catch(() => undefined);
    }
    const run = this.runs.exclusively(id, () => this.execute(job));
    this.active.set(id, run);
    try {
      return await run;
    } finally {
      if (this.active.get(id) === run) this.active.delete(id);
    }
  }

  private async execute(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    // Request ids are at most 64 characters; the tail of a job id is its distinctive part.
    const requestId = `job:${job.id}`.slice(-64);
    const runId = await this.runs.start(job);
    const delay = this.config.queue.testJobDelayMs;
    try {
      if (delay) await sleep(delay / 2);
      const result = await runInContext({ requestId, actor: 'system:worker', actorInstitution: null }, () => handler(job.data, job));
      if (delay) await sleep(delay / 2);
      await this.runs.finish(runId, 'DONE', result);
      await this.outbox.complete(job.id!);
      return result;
    } catch (err) {
      // The run keeps its reason; a refusal says so, with its code, so that it reads apart from a failure retried.
      if (!(err instanceof DomainError)) {
        await this.runs.finish(runId, 'FAILED', null, err instanceof Error ? err.message : String(err)).catch(() => undefined);
        throw err;
      }
      const reason = `${err.code}: ${err.message}`;
      await this.runs.finish(runId, 'FAILED', null, `refused: ${reason}`).catch(() => undefined);
      await this.outbox.refuse(job.id!, reason);
      await this.refusals.announce({ id: job.id!, name: job.name as JobName, data: job.data, code: err.code, message: err.message });
      throw new UnrecoverableError(`refused: ${reason}`);
    }
  }

  /** What happens next to a job that failed, for the log: retried, resumed by the sweeper, or stopped. */
  async fateOf(job: Job | undefined, error: Error): Promise<{ final: boolean; next: string }> {
    if (!job) return { final: true, next: 'giving up' };
    const attempts = job.opts.attempts ?? 1;
    const stalledOut = stalledTooOften(error);
    if (isRefusal(error))
      return { final: true, next: 'refused: it stops here, with its reason in the outbox, until the work is asked for again' };
    if (stalledOut) await this.runs.markStalled(job.id!).catch(() => undefined);
    if (!stalledOut && job.attemptsMade < attempts) {
      const delay = typeof job.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 0) : (job.opts.backoff ?? 0);
      const wait =
        typeof job.opts.backoff === 'object' && job.opts.backoff.type === 'exponential' ? delay * 2 ** (job.attemptsMade - 1) : delay;
      return { final: false, next: `will retry in ${Math.round(wait / 1000)} s` };
    }
    if (await this.outbox.willResume(job.id!).catch(() => false))
      return {
        final: true,
        next: `failed; the outbox sweeper runs it again in about ${Math.round(this.config.queue.redriveAfterMs / 1000)} s`,
      };
    return { final: true, next: 'giving up: no outbox row resumes it; retry it from the queue dashboard' };
  }

  markStalled(jobId: string): Promise<void> {
    return this.runs.markStalled(jobId);
  }
}

/** BullMQ fails a job stalled too often with an UnrecoverableError too. */
function stalledTooOften(error: Error): boolean {
  return /(stalled|started) more than allowable limit/.test(error.message);
}

/** A job failed because a rule refused it (only ours say "refused"): it is not retried. */
export function isRefusal(error: Error): boolean {
  return (
    !stalledTooOften(error) &&
    (error instanceof UnrecoverableError || error.name === 'UnrecoverableError') &&
    error.message.startsWith('refused: ')
  );
}
