import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { JOBS, JobName, JobPayloads } from './jobs';

/** How long the caller waits for Redis after commit before leaving the job to the sweeper. */
const RELAY_TIMEOUT_MS = 2000;

/**
 * Transactional outbox: work committed in MySQL that must start a job is written here in the
 * same transaction, and enqueued after commit. If Redis is down or loses the job, the sweeper
 * enqueues it again; the deterministic job id makes a second enqueue of a live job a no-op,
 * and a row is complete once its job has finished.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * Records a job to run once the caller's transaction commits; returns its job id. `rerun`
   * asks for the same work again under a new id, for when the job under the plain id finished
   * without doing it (and Redis keeps finished jobs under their ids for a while).
   */
  async add<K extends JobName>(manager: EntityManager, name: K, payload: JobPayloads[K], rerun = 0): Promise<string> {
    const jobId = `${JOBS[name].jobId(payload)}${rerun ? `.rerun${rerun}` : ''}`;
    await manager.query('INSERT IGNORE INTO outbox (job_id, job_name, payload) VALUES (?, ?, ?)', [jobId, name, JSON.stringify(payload)]);
    return jobId;
  }

  /**
   * Adds a job for work that must run again even if it ran before (a reading refreshed by new
   * data): under the base job id the first time, then `.rerun1`, `.rerun2`, …
   */
  async addAgain<K extends JobName>(manager: EntityManager, name: K, payload: JobPayloads[K]): Promise<string> {
    const past = await this.history(manager, JOBS[name].jobId(payload));
    return this.add(manager, name, payload, past.jobs);
  }

  /** Enqueues the given jobs now (after commit), waiting briefly; what fails stays for the sweeper. */
  async relay(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const rows: OutboxRow[] = await this.dataSource.query(
      `SELECT id, job_id, job_name, payload FROM outbox WHERE job_id IN (${jobIds.map(() => '?').join(',')}) AND completed_at IS NULL`,
      [...jobIds],
    );
    await Promise.all(rows.map((row) => this.enqueue(row, false)));
  }

  /**
   * Enqueues every unfinished row whose job Redis does not hold (never enqueued, Redis down at
   * the time, or Redis flushed since). Returns how many were enqueued.
   */
  async sweep(limit = 500): Promise<number> {
    const rows: OutboxRow[] = await this.dataSource.query(
      'SELECT id, job_id, job_name, payload FROM outbox WHERE completed_at IS NULL AND created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 SECOND ORDER BY id LIMIT ?',
      [limit],
    );
    let enqueued = 0;
    for (const row of rows) if (await this.enqueue(row, true)) enqueued++;
    return enqueued;
  }

  /** How many jobs of this work the outbox holds, and whether one of them is still unfinished. */
  async history(manager: EntityManager, baseJobId: string): Promise<{ jobs: number; unfinished: boolean }> {
    const [row] = await manager.query(
      'SELECT COUNT(*) AS jobs, COALESCE(SUM(completed_at IS NULL), 0) AS unfinished FROM outbox WHERE job_id = ? OR job_id LIKE ?',
      [baseJobId, `${baseJobId}.rerun%`],
    );
    return { jobs: Number(row.jobs), unfinished: Number(row.unfinished) > 0 };
  }

  /** Marks a job's outbox row complete (called when the job has finished its work). */
  async complete(jobId: string): Promise<void> {
    await this.dataSource.query('UPDATE outbox SET completed_at = CURRENT_TIMESTAMP(3) WHERE job_id = ? AND completed_at IS NULL', [jobId]);
  }

  async pending(): Promise<
    { jobId: string; jobName: string; createdAt: Date; enqueuedAt: Date | null; attempts: number; lastError: string | null }[]
  > {
    const rows = await this.dataSource.query(
      'SELECT job_id, job_name, created_at, enqueued_at, enqueue_attempts, last_error FROM outbox WHERE completed_at IS NULL ORDER BY id LIMIT 500',
    );
    return rows.map((r: Record<string, unknown>) => ({
      jobId: r.job_id,
      jobName: r.job_name,
      createdAt: r.created_at,
      enqueuedAt: r.enqueued_at,
      attempts: Number(r.enqueue_attempts),
      lastError: r.last_error,
    }));
  }

  /** `sweeping`: the sweeper leaves failed jobs alone; a fresh request (relay) retries them. */
  private async enqueue(row: OutboxRow, sweeping: boolean): Promise<boolean> {
    const name = row.job_name as JobName;
    const def = JOBS[name];
    const queue = this.moduleRef.get<Queue>(getQueueToken(def.queue), { strict: false });
    try {
      const work = async () => {
        const existing = await queue.getJob(row.job_id);
        if (existing) {
          // A job that gave up (say, before a fix was deployed) is kept under its id: run it again.
          if (!sweeping && (await existing.isFailed())) await existing.retry();
          return false;
        }
        await queue.add(name, JSON.parse(row.payload), { ...def.options, jobId: row.job_id });
        return true;
      };
      const added = await withTimeout(work(), RELAY_TIMEOUT_MS);
      await this.dataSource.query(
        'UPDATE outbox SET enqueued_at = COALESCE(enqueued_at, CURRENT_TIMESTAMP(3)), enqueue_attempts = enqueue_attempts + ?, last_error = NULL WHERE id = ?',
        [added ? 1 : 0, row.id],
      );
      return added;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn(`job ${row.job_id} stays in the outbox: ${message}`);
      await this.dataSource
        .query('UPDATE outbox SET enqueue_attempts = enqueue_attempts + 1, last_error = ? WHERE id = ?', [message.slice(0, 500), row.id])
        .catch(() => undefined);
      return false;
    }
  }
}

interface OutboxRow {
  id: number;
  job_id: string;
  job_name: string;
  payload: string;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
