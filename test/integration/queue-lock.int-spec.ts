import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { JOBS, QUEUES } from '../../src/queue/jobs';
import { startWorker, testConfig } from '../support/test-app';

const PREFIX = `${process.env.QUEUE_PREFIX}-lock`;
const env = {
  QUEUE_PREFIX: PREFIX,
  QUEUE_LOCK_MS: '1000',
  QUEUE_STALLED_CHECK_MS: '500',
  // Every job holds its lock 3.5 s, more than three lock durations.
  QUEUE_TEST_JOB_DELAY_MS: '3500',
  OUTBOX_SWEEP_MS: '3600000',
};

describe('a healthy worker holding a job longer than its lock', () => {
  let worker: INestApplicationContext;
  let queue: Queue;

  beforeAll(async () => {
    const config = testConfig(env);
    worker = await startWorker(env);
    queue = new Queue(QUEUES.notify, { connection: { ...config.redis, maxRetriesPerRequest: null }, prefix: PREFIX });
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    const config = testConfig(env);
    const redis = new Redis(config.redis);
    const keys = await redis.keys(`${PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('renews the lock: the job runs once, is not stalled and does not fail', async () => {
    const payload = { notificationId: -Math.floor(Math.random() * 1e9) };
    const jobId = JOBS['notify.webhook'].jobId(payload);
    await queue.add('notify.webhook', payload, { ...JOBS['notify.webhook'].options, jobId });
    const until = Date.now() + 20_000;
    let state = await queue.getJobState(jobId);
    while (state !== 'completed' && state !== 'failed' && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = await queue.getJobState(jobId);
    }
    const job = await queue.getJob(jobId);
    expect({ state, attemptsMade: job?.attemptsMade, failedReason: job?.failedReason, stalledCounter: job?.stalledCounter }).toEqual({
      state: 'completed',
      attemptsMade: 1,
      failedReason: undefined,
      stalledCounter: 0,
    });
    const runs: { outcome: string }[] = await worker.get(DataSource).query('SELECT outcome FROM job_run WHERE job_id = ?', [jobId]);
    expect(runs.map((r) => r.outcome)).toEqual(['DONE']);
  }, 30_000);
});
