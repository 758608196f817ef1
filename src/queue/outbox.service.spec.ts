import type { ModuleRef } from '@nestjs/core';
import type { AppConfig } from '../config/app-config';
import type { JobRunsService } from './job-runs.service';
import type { OutboxRepository, OutboxRow } from './outbox.repository';
import { OutboxService } from './outbox.service';

/** An outbox table in memory: the rows the service reads, and what it writes back. */
class FakeRows {
  rows: (OutboxRow & { completed: boolean; refused: boolean })[] = [];
  writes: string[] = [];
  add(jobId: string, refused = false): void {
    this.rows.push({
      id: this.rows.length + 1,
      job_id: jobId,
      job_name: 'yearend.post',
      payload: '{"settlementId":1}',
      completed: false,
      refused,
    });
  }
  async sweepable(): Promise<OutboxRow[]> {
    return this.rows.filter((r) => !r.completed && !r.refused);
  }
  async unfinished(ids: readonly string[]): Promise<OutboxRow[]> {
    return this.rows.filter((r) => !r.completed && ids.includes(r.job_id));
  }
  async unfinishedOf(base: string): Promise<string[]> {
    return this.rows.filter((r) => !r.completed && (r.job_id === base || r.job_id.startsWith(`${base}.rerun`))).map((r) => r.job_id);
  }
  async enqueued(id: number, added: boolean): Promise<void> {
    this.writes.push(`enqueued ${id}${added ? ' added' : ''}`);
  }
  async complete(jobId: string): Promise<void> {
    this.writes.push(`complete ${jobId}`);
  }
  async enqueueFailed(id: number, message: string): Promise<void> {
    this.writes.push(`enqueueFailed ${id} ${message}`);
  }
}

/** A BullMQ queue in memory: jobs by id with a state and when they finished. */
class FakeQueue {
  jobs = new Map<string, { state: string; finishedOn?: number; retried: unknown[] }>();
  added: string[] = [];
  async getFailed() {
    return [];
  }
  async getJob(id: string) {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    return {
      finishedOn: job.finishedOn,
      getState: async () => job.state,
      retry: async (_state: string, opts: unknown) => {
        job.retried.push(opts);
        job.state = 'waiting';
      },
    };
  }
  async add(_name: string, _data: unknown, opts: { jobId: string }) {
    this.added.push(opts.jobId);
    this.jobs.set(opts.jobId, { state: 'waiting', retried: [] });
  }
}

function service(rows: FakeRows, queue: FakeQueue, redriveAfterMs = 60_000): OutboxService {
  const moduleRef = { get: () => queue } as unknown as ModuleRef;
  const runs = { closeOrphans: async () => 0 } as unknown as JobRunsService;
  return new OutboxService(rows as unknown as OutboxRepository, moduleRef, { queue: { redriveAfterMs, lockMs: 2000 } } as AppConfig, runs);
}

describe('OutboxService: committed work stays alive until its job finishes it', () => {
  it('the sweeper enqueues work whose job Redis does not hold, and leaves live jobs alone', async () => {
    const rows = new FakeRows();
    const queue = new FakeQueue();
    rows.add('yearend.post.1');
    rows.add('yearend.post.2');
    queue.jobs.set('yearend.post.2', { state: 'active', retried: [] });
    expect(await service(rows, queue).sweep()).toBe(1);
    expect(queue.added).toEqual(['yearend.post.1']);
    expect(rows.writes).toEqual(['enqueued 1 added', 'enqueued 2']);
  });

  it('the sweeper runs a failed job again, with its attempts reset, once it has been failed a while', async () => {
    const rows = new FakeRows();
    const queue = new FakeQueue();
    rows.add('yearend.post.1');
    rows.add('yearend.post.2');
    queue.jobs.set('yearend.post.1', { state: 'failed', finishedOn: Date.now() - 61_000, retried: [] });
    queue.jobs.set('yearend.post.2', { state: 'failed', finishedOn: Date.now() - 1_000, retried: [] });
    expect(await service(rows, queue).sweep()).toBe(1);
    expect(queue.jobs.get('yearend.post.1')!.retried).toEqual([{ resetAttemptsMade: true, resetAttemptsStarted: true }]);
    expect(queue.jobs.get('yearend.post.2')!.retried).toEqual([]);
    expect(rows.writes).toEqual(['enqueued 1']);
  });

  it('the sweeper leaves a refused job alone; asking again runs it at once', async () => {
    const rows = new FakeRows();
    const queue = new FakeQueue();
    rows.add('yearend.post.1', true);
    queue.jobs.set('yearend.post.1', { state: 'failed', finishedOn: Date.now() - 3_600_000, retried: [] });
    const outbox = service(rows, queue);
    expect(await outbox.sweep()).toBe(0);
    expect(queue.jobs.get('yearend.post.1')!.state).toBe('failed');
    await outbox.redrive('yearend.post', { settlementId: 1 });
    expect(queue.jobs.get('yearend.post.1')!.state).toBe('waiting');
  });

  it('completes the row of a job Redis holds as completed', async () => {
    const rows = new FakeRows();
    const queue = new FakeQueue();
    rows.add('yearend.post.1');
    queue.jobs.set('yearend.post.1', { state: 'completed', retried: [] });
    expect(await service(rows, queue).sweep()).toBe(0);
    expect(rows.writes).toEqual(['complete yearend.post.1']);
  });
});
