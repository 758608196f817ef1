import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Job } from 'bullmq';
import { runInContext } from '../common/request-context';
import { JOB_HANDLER } from './job-handler.decorator';
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

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly runs: JobRunsService,
    private readonly outbox: OutboxService,
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

  /** Runs a job's handler, recording the run; a finished job completes its outbox row. */
  async dispatch(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    // Request ids are at most 64 characters; the tail of a job id is its distinctive part.
    const requestId = `job:${job.id}`.slice(-64);
    const runId = await this.runs.start(job);
    try {
      const result = await runInContext({ requestId, actor: 'system:worker', actorInstitution: null }, () => handler(job.data, job));
      await this.runs.finish(runId, 'DONE', result);
      await this.outbox.complete(job.id!);
      return result;
    } catch (err) {
      await this.runs.finish(runId, 'FAILED', null, err instanceof Error ? err.message : String(err)).catch(() => undefined);
      throw err;
    }
  }

  markStalled(jobId: string): Promise<void> {
    return this.runs.markStalled(jobId);
  }
}
