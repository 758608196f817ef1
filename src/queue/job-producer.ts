import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { JOBS, JobName, JobPayloads } from './jobs';

/** Enqueues jobs with the options and deterministic ids declared in `jobs.ts`. */
@Injectable()
export class JobProducer {
  constructor(private readonly moduleRef: ModuleRef) {}

  async enqueue<K extends JobName>(name: K, payload: JobPayloads[K]): Promise<string> {
    const def = JOBS[name];
    const queue = this.moduleRef.get<Queue>(getQueueToken(def.queue), { strict: false });
    const job = await queue.add(name, payload, { ...def.options, jobId: def.jobId(payload) });
    return job.id!;
  }
}
