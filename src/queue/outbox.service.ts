import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, Queue } from 'bullmq';
import { EntityManager } from 'typeorm';
import { Page, pageOf, PageWindow } from '../common/pagination';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobRunsService } from './job-runs.service';
import { JOBS, JobName, JobPayloads, QUEUES } from './jobs';
import { OutboxRepository, OutboxRow, PendingOutboxRow } from './outbox.repository';

/** How long the caller waits for Redis after commit before leaving the job to the sweeper. */
const RELAY_TIMEOUT_MS = 2000;

/** What enqueuing an outbox row did. */
type Enqueued = 'added' | 'resumed' | 'live' | 'done' | 'waiting';

/**
 * Transactional outbox: work committed in MySQL that must start a job is written here in the
 * same transaction, and enqueued after commit. A row is complete once its job has finished its
 * work. Until then the sweeper keeps the work alive: it enqueues a row whose job Redis does not
 * hold (never enqueued, Redis down at the time, Redis flushed since), and runs again a job that
 * failed for a reason a retry can fix (a crash, a stall, a lost connection). A job a rule
 * refused stays failed with its reason until the work is asked for again (`relay`, `redrive`).
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);

  constructor(
    private readonly rows: OutboxRepository,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: JobRunsService,
  ) {}

  /**
   * Records a job to run once the caller's transaction commits; returns its job id. `rerun`
   * asks for the same work again under a new id, for when the job under the plain id finished
   * without doing it (and Redis keeps finished jobs under their ids for a while).
   */
  async add<K extends JobName>(manager: EntityManager, name: K, payload: JobPayloads[K], rerun = 0): Promise<string> {
    const jobId = `${JOBS[name].jobId(payload)}${rerun ? `.rerun${rerun}` : ''}`;
    await this.rows.insert(manager, jobId, name, payload);
    return jobId;
  }

  /**
   * Records many jobs of one kind in one statement, each under its plain id or, with `rerun`, as
   * that rerun (see `add`); returns their job ids in order.
   */
  async addMany<K extends JobName>(
    manager: EntityManager,
    name: K,
    jobs: readonly { payload: JobPayloads[K]; rerun: number }[],
  ): Promise<string[]> {
    const rows = jobs.map((j) => ({
      jobId: `${JOBS[name].jobId(j.payload)}${j.rerun ? `.rerun${j.rerun}` : ''}`,
      jobName: name,
      payload: j.payload,
    }));
    await this.rows.insertMany(manager, rows);
    return rows.map((r) => r.jobId);
  }

  /**
   * Adds a job for work that must run again even if it ran before (a reading refreshed by new
   * data): under the base job id the first time, then `.rerun1`, `.rerun2`, …
   */
  async addAgain<K extends JobName>(manager: EntityManager, name: K, payload: JobPayloads[K]): Promise<string> {
    const past = await this.history(manager, JOBS[name].jobId(payload));
    return this.add(manager, name, payload, past.jobs);
  }

  /**
   * Enqueues the given jobs now (after commit), waiting briefly; what fails stays for the
   * sweeper. A job that failed (for any reason, a refusal too) is run again: this is a fresh request.
   */
  async relay(jobIds: readonly string[]): Promise<void> {
    const rows = await this.rows.unfinished(jobIds);
    await Promise.all(rows.map((row) => this.enqueue(row, false)));
  }

  /** Asks again for work recorded before (say, posting requested twice): its unfinished jobs are enqueued or run again. */
  async redrive<K extends JobName>(name: K, payload: JobPayloads[K]): Promise<void> {
    await this.relay(await this.rows.unfinishedOf(JOBS[name].jobId(payload)));
  }

  /**
   * Keeps unfinished work alive: enqueues every unfinished row whose job Redis does not hold, and
   * runs again a job that failed (not refused) at least `QUEUE_REDRIVE_AFTER_MS` ago. Returns how
   * many jobs were enqueued or resumed.
   */
  async sweep(limit = 500): Promise<number> {
    const rows = await this.rows.sweepable(limit);
    let moved = 0;
    for (const row of rows) {
      const outcome = await this.enqueue(row, true);
      if (outcome === 'added' || outcome === 'resumed') moved++;
    }
    moved += await this.resumeFailedWithoutOutbox();
    // Runs left open by a dead worker whose job will not start again (lost with Redis) are closed.
    await this.runs.closeOrphans(2 * this.config.queue.lockMs, async (queue, jobId) => {
      const job = await this.moduleRef.get<Queue>(getQueueToken(queue), { strict: false }).getJob(jobId);
      return job ? (await job.getState()) === 'active' : false;
    });
    return moved;
  }

  /**
   * Jobs queued without an outbox row (scheduled ticks, large imports and uploads) that failed
   * for a reason a retry can fix are run again too, once failed for `QUEUE_REDRIVE_AFTER_MS`;
   * a refusal stays. Returns how many.
   */
  private async resumeFailedWithoutOutbox(): Promise<number> {
    let resumed = 0;
    for (const name of Object.values(QUEUES)) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      const failed = await withTimeout(queue.getFailed(0, 99), RELAY_TIMEOUT_MS).catch(() => [] as Job[]);
      for (const job of failed) {
        if (!job || job.failedReason?.startsWith('refused: ')) continue;
        if (Date.now() - (job.finishedOn ?? 0) < this.config.queue.redriveAfterMs) continue;
        try {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          this.logger.warn(`job ${job.name} ${job.id} had failed (${job.failedReason}): it runs again`);
          resumed++;
        } catch {
          // taken up meanwhile (a request or another sweeper)
        }
      }
    }
    return resumed;
  }

  /** How many jobs of this work the outbox holds, and whether one of them is still unfinished. */
  history(manager: EntityManager, baseJobId: string): Promise<{ jobs: number; unfinished: boolean }> {
    return this.rows.history(manager, baseJobId);
  }

  /** The histories of many pieces of work whose base job ids share `prefix`, by base job id, in one statement. */
  histories(
    manager: EntityManager,
    prefix: string,
    baseJobIds: readonly string[],
  ): Promise<Map<string, { jobs: number; unfinished: boolean }>> {
    return this.rows.histories(manager, prefix, baseJobIds);
  }

  /** Marks a job's outbox row complete (called when the job has finished its work). */
  complete(jobId: string): Promise<void> {
    return this.rows.complete(jobId);
  }

  /** A rule refused the job's work: recorded with the reason; the sweeper leaves it until it is asked for again. */
  refuse(jobId: string, reason: string): Promise<void> {
    return this.rows.refuse(jobId, reason);
  }

  /** Whether the sweeper will resume this job's work if it fails for good (it has an unfinished outbox row). */
  willResume(jobId: string): Promise<boolean> {
    return this.rows.isUnfinished(jobId);
  }

  async pending(window: PageWindow): Promise<Page<PendingOutboxRow>> {
    const { rows, total } = await this.rows.pending(window);
    return pageOf(rows, total, window);
  }

  /** `sweeping`: a failed job is run again only once it has been failed for `QUEUE_REDRIVE_AFTER_MS`. */
  private async enqueue(row: OutboxRow, sweeping: boolean): Promise<Enqueued> {
    const name = row.job_name as JobName;
    const def = JOBS[name];
    const queue = this.moduleRef.get<Queue>(getQueueToken(def.queue), { strict: false });
    try {
      const work = async (): Promise<Enqueued> => {
        const existing = await queue.getJob(row.job_id);
        if (!existing) {
          await queue.add(name, JSON.parse(row.payload), { ...def.options, jobId: row.job_id });
          return 'added';
        }
        return this.revive(existing, sweeping);
      };
      const outcome = await withTimeout(work(), RELAY_TIMEOUT_MS);
      if (outcome === 'done') await this.rows.complete(row.job_id);
      else if (outcome !== 'waiting') await this.rows.enqueued(row.id, outcome === 'added');
      if (outcome === 'resumed') this.logger.warn(`job ${row.job_id} had failed before finishing its work: it runs again`);
      return outcome;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn(`job ${row.job_id} stays in the outbox: ${message}`);
      await this.rows.enqueueFailed(row.id, message).catch(() => undefined);
      return 'waiting';
    }
  }

  /** A job Redis still holds: failed ones run again (the sweeper waits a while first), finished ones complete their row. */
  private async revive(job: Job, sweeping: boolean): Promise<Enqueued> {
    const state = await job.getState();
    if (state === 'completed') return 'done';
    if (state !== 'failed') return 'live';
    if (sweeping && Date.now() - (job.finishedOn ?? 0) < this.config.queue.redriveAfterMs) return 'waiting';
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return 'resumed';
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
