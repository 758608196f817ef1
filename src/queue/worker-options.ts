import type { WorkerOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';

/**
 * Everything a Worker is constructed with. BullMQ reads the lock and stalled-job settings in
 * its constructor (the lock renewal is set up there), so they are given here, not changed later.
 */
export function workerOptions(config: AppConfig): WorkerOptions {
  const { redis, queue } = config;
  return {
    connection: { host: redis.host, port: redis.port, password: redis.password, db: redis.db, maxRetriesPerRequest: null },
    prefix: queue.prefix,
    concurrency: queue.concurrency,
    lockDuration: queue.lockMs,
    lockRenewTime: Math.floor(queue.lockMs / 2),
    stalledInterval: queue.stalledCheckMs,
    maxStalledCount: queue.maxStalledCount,
    autorun: false,
  };
}
