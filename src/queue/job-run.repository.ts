import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createPool, Pool, RowDataPacket } from 'mysql2/promise';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { selectPage } from '../common/page.repository';
import { PageWindow } from '../common/pagination';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export interface JobRunRow {
  id: number;
  job_id: string;
  job_name: string;
  queue: string;
  attempt: number;
  worker: string;
  started_at: Date;
  finished_at: Date | null;
  outcome: string;
  counts: string | null;
  error: string | null;
}

const STOPPED = 'the worker stopped during the run; the job was taken up again';

/** Another process holds the job's run lock: it is running the same job. */
export class RunLockedError extends Error {}

/** The `job_run` table: every attempt of every job, and the run lock that keeps two of them from overlapping. */
@Injectable()
export class JobRunRepository implements OnModuleDestroy {
  /** Connections that hold run locks, apart from the pool the work itself uses (made on first use: workers only). */
  private locks: Pool | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Runs `work` holding a MySQL named lock on the job for the whole run, so that no two runs of
   * one job overlap, whatever Redis says (after Redis lost its keys, a job still running in one
   * worker may be enqueued again and taken by another). Waits up to `waitSeconds` for a run in
   * another process to end. The lock is the server's: it ends with the session if the process dies.
   */
  async exclusively<T>(jobId: string, waitSeconds: number, work: () => Promise<T>): Promise<T> {
    const { db, queue } = this.config;
    this.locks ??= createPool({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: db.name,
      connectionLimit: queue.concurrency * 4 + 1,
    });
    const name = `cbm-job:${createHash('sha1').update(`${db.name}/${queue.prefix}/${jobId}`).digest('hex')}`;
    const connection = await this.locks.getConnection();
    try {
      const [[row]] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [name, waitSeconds]);
      if (Number(row.got) !== 1) throw new RunLockedError(`job ${jobId} is still running in another worker (waited ${waitSeconds} s)`);
      try {
        return await work();
      } finally {
        await connection.query('DO RELEASE_LOCK(?)', [name]).catch(() => undefined);
      }
    } finally {
      connection.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.locks?.end();
    this.locks = null;
  }

  /**
   * Opens a run. The caller holds the job's lock, so an earlier run of the job still open is one
   * whose worker stopped: it is closed as failed first.
   */
  async start(jobId: string, jobName: string, queue: string, attempt: number, worker: string): Promise<number> {
    await this.dataSource.query(
      "UPDATE job_run SET outcome = 'FAILED', finished_at = CURRENT_TIMESTAMP(3), error = ? WHERE job_id = ? AND outcome = 'RUNNING'",
      [STOPPED, jobId],
    );
    const result = await this.dataSource.query(
      "INSERT INTO job_run (job_id, job_name, queue, attempt, worker, outcome) VALUES (?, ?, ?, ?, ?, 'RUNNING')",
      [jobId, jobName, queue, attempt, worker],
    );
    return Number(result.insertId);
  }

  async finish(runId: number, outcome: 'DONE' | 'FAILED', counts: string | null, error: string | null): Promise<void> {
    await this.dataSource.query('UPDATE job_run SET outcome = ?, finished_at = CURRENT_TIMESTAMP(3), counts = ?, error = ? WHERE id = ?', [
      outcome,
      counts,
      error,
      runId,
    ]);
  }

  /** Open runs of the job by workers other than `except` (this process's own runs are alive) are failed. */
  async markStopped(jobId: string, except: string): Promise<void> {
    await this.dataSource.query(
      "UPDATE job_run SET outcome = 'FAILED', finished_at = CURRENT_TIMESTAMP(3), error = ? WHERE job_id = ? AND outcome = 'RUNNING' AND worker <> ?",
      [STOPPED, jobId, except],
    );
  }

  /** Runs still open that started more than `olderThanMs` ago in workers other than `except`. */
  async openRuns(olderThanMs: number, except: string): Promise<{ id: number; job_id: string; queue: string }[]> {
    return this.dataSource.query(
      "SELECT id, job_id, queue FROM job_run WHERE outcome = 'RUNNING' AND worker <> ? AND started_at < CURRENT_TIMESTAMP(3) - INTERVAL ? MICROSECOND ORDER BY id LIMIT 200",
      [except, olderThanMs * 1000],
    );
  }

  /** Closes an open run whose job no live worker holds (its worker died, and the job is gone or waits to start again). */
  async closeOrphan(id: number): Promise<void> {
    await this.dataSource.query(
      "UPDATE job_run SET outcome = 'FAILED', finished_at = CURRENT_TIMESTAMP(3), error = ? WHERE id = ? AND outcome = 'RUNNING'",
      [`${STOPPED} (or the job is no longer queued)`, id],
    );
  }

  /** One page of job runs, newest first. */
  async list(
    filter: { jobName?: string; jobId?: string; outcome?: string },
    window: PageWindow,
  ): Promise<{ rows: JobRunRow[]; total: number }> {
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
    return selectPage(
      this.dataSource,
      { select: 'SELECT *', from: `FROM job_run ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, orderBy: 'id DESC' },
      params,
      window,
    );
  }
}
