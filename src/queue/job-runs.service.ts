import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';

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

/** Every attempt of every job: started, finished, outcome and what it counted. */
@Injectable()
export class JobRunsService {
  private readonly worker = `${hostname()}:${process.pid}`;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async start(job: Job): Promise<number> {
    const result = await this.dataSource.query(
      "INSERT INTO job_run (job_id, job_name, queue, attempt, worker, outcome) VALUES (?, ?, ?, ?, ?, 'RUNNING')",
      [job.id, job.name, job.queueName, job.attemptsMade + 1, this.worker],
    );
    return Number(result.insertId);
  }

  async finish(runId: number, outcome: 'DONE' | 'FAILED', result: unknown, error?: string): Promise<void> {
    await this.dataSource.query('UPDATE job_run SET outcome = ?, finished_at = CURRENT_TIMESTAMP(3), counts = ?, error = ? WHERE id = ?', [
      outcome,
      countsOf(result),
      error?.slice(0, 1000) ?? null,
      runId,
    ]);
  }

  /** A worker stopped mid-run (killed, crashed): its open runs of the job failed. */
  async markStalled(jobId: string): Promise<void> {
    await this.dataSource.query(
      "UPDATE job_run SET outcome = 'FAILED', finished_at = CURRENT_TIMESTAMP(3), error = 'the worker stopped during the run; the job was taken up again' WHERE job_id = ? AND outcome = 'RUNNING'",
      [jobId],
    );
  }

  async list(filter: { jobName?: string; jobId?: string; outcome?: string; limit: number }): Promise<JobRunView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.jobName) {
      where.push('job_name = ?');
      params.push(filter.jobName);
    }
    if (filter.jobId) {
      where.push('job_id = ?');
      params.push(filter.jobId);
    }
    if (filter.outcome) {
      where.push('outcome = ?');
      params.push(filter.outcome);
    }
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM job_run ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      [...params, filter.limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      jobId: String(r.job_id),
      jobName: String(r.job_name),
      queue: String(r.queue),
      attempt: Number(r.attempt),
      worker: String(r.worker),
      startedAt: r.started_at as Date,
      finishedAt: (r.finished_at as Date | null) ?? null,
      outcome: r.outcome as JobRunView['outcome'],
      counts: r.counts ? (JSON.parse(String(r.counts)) as Record<string, unknown>) : null,
      error: (r.error as string | null) ?? null,
    }));
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
