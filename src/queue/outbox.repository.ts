import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../common/page.repository';
import { PageWindow } from '../common/pagination';

export interface OutboxRow {
  id: number;
  job_id: string;
  job_name: string;
  payload: string;
}

export interface PendingOutboxRow {
  jobId: string;
  jobName: string;
  createdAt: Date;
  enqueuedAt: Date | null;
  attempts: number;
  lastError: string | null;
}

/** A row whose job was refused (a rule said no) carries this prefix in `last_error`; the sweeper leaves it alone. */
export const REFUSED = 'refused: ';

/** The `outbox` table: committed work that must start a job. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records a job in the caller's transaction (a second record of the same job id is ignored). */
  async insert(manager: EntityManager, jobId: string, jobName: string, payload: unknown): Promise<void> {
    await manager.query('INSERT IGNORE INTO outbox (job_id, job_name, payload) VALUES (?, ?, ?)', [
      jobId,
      jobName,
      JSON.stringify(payload),
    ]);
  }

  /** Records many jobs in the caller's transaction in one statement (a second record of a job id is ignored). */
  async insertMany(manager: EntityManager, jobs: readonly { jobId: string; jobName: string; payload: unknown }[]): Promise<void> {
    if (jobs.length === 0) return;
    await manager.query(
      `INSERT IGNORE INTO outbox (job_id, job_name, payload) VALUES ${jobs.map(() => '(?, ?, ?)').join(', ')}`,
      jobs.flatMap((j) => [j.jobId, j.jobName, JSON.stringify(j.payload)]),
    );
  }

  async unfinished(jobIds: readonly string[]): Promise<OutboxRow[]> {
    if (jobIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT id, job_id, job_name, payload FROM outbox WHERE job_id IN (${jobIds.map(() => '?').join(',')}) AND completed_at IS NULL`,
      [...jobIds],
    );
  }

  /** Unfinished rows of one piece of work: its base job id and its reruns. */
  async unfinishedOf(baseJobId: string): Promise<string[]> {
    const rows: { job_id: string }[] = await this.dataSource.query(
      'SELECT job_id FROM outbox WHERE (job_id = ? OR job_id LIKE ?) AND completed_at IS NULL ORDER BY id',
      [baseJobId, `${baseJobId}.rerun%`],
    );
    return rows.map((r) => r.job_id);
  }

  /** Unfinished rows older than a second that were not refused, oldest first. */
  async sweepable(limit: number): Promise<OutboxRow[]> {
    return this.dataSource.query(
      `SELECT id, job_id, job_name, payload FROM outbox WHERE completed_at IS NULL AND created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 SECOND
          AND (last_error IS NULL OR last_error NOT LIKE '${REFUSED}%') ORDER BY id LIMIT ?`,
      [limit],
    );
  }

  async history(manager: EntityManager, baseJobId: string): Promise<{ jobs: number; unfinished: boolean }> {
    const [row] = await manager.query(
      'SELECT COUNT(*) AS jobs, COALESCE(SUM(completed_at IS NULL), 0) AS unfinished FROM outbox WHERE job_id = ? OR job_id LIKE ?',
      [baseJobId, `${baseJobId}.rerun%`],
    );
    return { jobs: Number(row.jobs), unfinished: Number(row.unfinished) > 0 };
  }

  /**
   * The histories of many pieces of work whose base job ids all begin with `prefix`, in one
   * statement: for each base id, how many jobs (the base and its reruns) and whether one is unfinished.
   */
  async histories(
    manager: EntityManager,
    prefix: string,
    baseJobIds: readonly string[],
  ): Promise<Map<string, { jobs: number; unfinished: boolean }>> {
    const out = new Map(baseJobIds.map((id) => [id, { jobs: 0, unfinished: false }]));
    if (baseJobIds.length === 0) return out;
    const rows: { job_id: string; unfinished: number | string }[] = await manager.query(
      'SELECT job_id, completed_at IS NULL AS unfinished FROM outbox WHERE job_id LIKE ?',
      [`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
    );
    for (const row of rows) {
      const seen = out.get(row.job_id.replace(/\.rerun\d+$/, ''));
      if (!seen) continue;
      seen.jobs++;
      if (Number(row.unfinished) === 1) seen.unfinished = true;
    }
    return out;
  }

  /** Whether the job has an unfinished row (work the sweeper will resume). */
  async isUnfinished(jobId: string): Promise<boolean> {
    const [row] = await this.dataSource.query('SELECT 1 AS x FROM outbox WHERE job_id = ? AND completed_at IS NULL', [jobId]);
    return Boolean(row);
  }

  async complete(jobId: string): Promise<void> {
    await this.dataSource.query('UPDATE outbox SET completed_at = CURRENT_TIMESTAMP(3) WHERE job_id = ? AND completed_at IS NULL', [jobId]);
  }

  /** The job was refused by a rule: it stays unfinished with the reason, and only a fresh request runs it again. */
  async refuse(jobId: string, reason: string): Promise<void> {
    await this.dataSource.query('UPDATE outbox SET last_error = ? WHERE job_id = ? AND completed_at IS NULL', [
      `${REFUSED}${reason}`.slice(0, 500),
      jobId,
    ]);
  }

  async enqueued(id: number, added: boolean): Promise<void> {
    await this.dataSource.query(
      'UPDATE outbox SET enqueued_at = COALESCE(enqueued_at, CURRENT_TIMESTAMP(3)), enqueue_attempts = enqueue_attempts + ?, last_error = NULL WHERE id = ?',
      [added ? 1 : 0, id],
    );
  }

  async enqueueFailed(id: number, message: string): Promise<void> {
    await this.dataSource.query('UPDATE outbox SET enqueue_attempts = enqueue_attempts + 1, last_error = ? WHERE id = ?', [
      message.slice(0, 500),
      id,
    ]);
  }

  /**
   * Rows committed but not yet enqueued (their job is not in Redis yet): how many, and the age in
   * seconds of the oldest by the database's clock (0 when there is none).
   */
  async unrelayed(): Promise<{ rows: number; oldestAgeSeconds: number }> {
    const [row] = await this.dataSource.query(
      `SELECT COUNT(*) AS n, COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), CURRENT_TIMESTAMP(3)), 0) AS age
         FROM outbox WHERE completed_at IS NULL AND enqueued_at IS NULL`,
    );
    return { rows: Number(row.n), oldestAgeSeconds: Math.max(Number(row.age), 0) / 1e6 };
  }

  /** One page of the unfinished rows, oldest first. */
  async pending(window: PageWindow): Promise<{ rows: PendingOutboxRow[]; total: number }> {
    const { rows, total } = await selectPage<Record<string, unknown>>(
      this.dataSource,
      {
        select: 'SELECT job_id, job_name, created_at, enqueued_at, enqueue_attempts, last_error',
        from: 'FROM outbox WHERE completed_at IS NULL',
        orderBy: 'id',
      },
      [],
      window,
    );
    const pending = rows.map((r) => ({
      jobId: String(r.job_id),
      jobName: String(r.job_name),
      createdAt: r.created_at as Date,
      enqueuedAt: (r.enqueued_at as Date | null) ?? null,
      attempts: Number(r.enqueue_attempts),
      lastError: (r.last_error as string | null) ?? null,
    }));
    return { rows: pending, total };
  }
}
