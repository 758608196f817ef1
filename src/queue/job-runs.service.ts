import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { hostname } from 'node:os';
import { Page, pageOf, PageWindow } from '../common/pagination';
import { JobRunRepository } from './job-run.repository';

export interface JobRunView {
  id: number;
  jobId: string;
  jobName: string;
  queue: string;
  attempt: number;
  worker: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: 'RUNNING' | 'DONE' | 'FAILED';
  counts: Record<string, unknown> | null;
  error: string | null;
}

/** How long a job waits for a run of the same job in another worker to end before it fails (and is retried). */
const RUN_LOCK_WAIT_SECONDS = 60;

/** Every attempt of every job: started, finished, outcome and what it counted. */
@Injectable()
export class JobRunsService {
  private readonly worker = `${hostname()}:${process.pid}`;

  constructor(private readonly runs: JobRunRepository) {}

  /** Runs `work` as the only run of the job anywhere (see JobRunRepository.exclusively). */
  exclusively<T>(jobId: string, work: () => Promise<T>): Promise<T> {
    return this.runs.exclusively(jobId, RUN_LOCK_WAIT_SECONDS, work);
  }

  start(job: Job): Promise<number> {
    return this.runs.start(job.id!, job.name, job.queueName, job.attemptsMade + 1, this.worker);
  }

  finish(runId: number, outcome: 'DONE' | 'FAILED', result: unknown, error?: string): Promise<void> {
    return this.runs.finish(runId, outcome, countsOf(result), error?.slice(0, 1000) ?? null);
  }

  /** A worker stopped mid-run (killed, crashed): its open runs of the job failed. */
  markStalled(jobId: string): Promise<void> {
    return this.runs.markStopped(jobId, this.worker);
  }

  /**
   * Closes open runs that no live worker is running: the job is not active in Redis (its worker
   * died and it waits to start again, or Redis lost it, as a scheduled tick lost with the keys
   * that never runs again). Returns how many were closed.
   */
  async closeOrphans(olderThanMs: number, isActive: (queue: string, jobId: string) => Promise<boolean>): Promise<number> {
    let closed = 0;
    for (const run of await this.runs.openRuns(olderThanMs, this.worker)) {
      if (await isActive(run.queue, run.job_id)) continue;
      await this.runs.closeOrphan(Number(run.id));
      closed++;
    }
    return closed;
  }

  async list(filter: { jobName?: string; jobId?: string; outcome?: string } & PageWindow): Promise<Page<JobRunView>> {
    const { rows, total } = await this.runs.list(filter, filter);
    const items = rows.map((r): JobRunView => ({
      id: Number(r.id),
      jobId: String(r.job_id),
      jobName: String(r.job_name),
      queue: String(r.queue),
      attempt: Number(r.attempt),
      worker: String(r.worker),
      startedAt: r.started_at,
      finishedAt: r.finished_at ?? null,
      outcome: r.outcome as JobRunView['outcome'],
      counts: r.counts ? (JSON.parse(String(r.counts)) as Record<string, unknown>) : null,
      error: r.error ?? null,
    }));
    return pageOf(items, total, filter);
  }
}

/** The numbers a handler returned (records, notifications, transfers …), kept small. */
function countsOf(result: unknown): string | null {
  if (!result || typeof result !== 'object') return null;
  const counts = Object.fromEntries(
    Object.entries(result).filter(([, v]) => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 64)),
  );
  return Object.keys(counts).length ? JSON.stringify(counts) : null;
}
