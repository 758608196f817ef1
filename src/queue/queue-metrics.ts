import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { FastFailRedis } from '../common/fast-fail-redis';
import { MetricSample, ServiceMetrics } from '../common/service-metrics';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { QUEUES } from './jobs';
import { OutboxRepository } from './outbox.repository';

/** How a job's attempt ended: done, failed (retried, or left to the outbox sweeper), or refused by a rule. */
export type JobOutcome = 'completed' | 'failed' | 'refused';

/** Upper bounds (seconds) of the job duration histogram's buckets. */
export const JOB_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] as const;

/** The job states counted per queue at every scrape. */
const COUNTED_STATES = ['waiting', 'delayed', 'active', 'prioritized', 'failed'] as const;

const FIELD = '|';

/**
 * Job durations and outcomes, counted in Redis by the workers and read by the API at scrape
 * time: every worker process adds to the same counters (one hash per queue prefix, updated in
 * one MULTI per job, so a scrape never sees a count apart from its buckets), and any API
 * instance reads the whole deployment's. Counters survive restarts of either; a Redis flush
 * starts them again from zero, which Prometheus reads as a counter reset.
 */
@Injectable()
export class JobMetrics {
  private readonly key: string;

  constructor(
    private readonly redis: FastFailRedis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = `${config.queue.prefix}:metrics:jobs`;
  }

  /** Counts one finished attempt; never fails the job (a sample lost while Redis is away is only a sample). */
  record(queue: string, job: string, outcome: JobOutcome, seconds: number): void {
    const le = JOB_DURATION_BUCKETS.find((bound) => seconds <= bound) ?? '+Inf';
    const series = [queue, job, outcome].join(FIELD);
    this.redis.client
      .multi()
      .hincrby(this.key, `run${FIELD}${series}${FIELD}count`, 1)
      .hincrbyfloat(this.key, `run${FIELD}${series}${FIELD}sum`, Math.max(seconds, 0))
      .hincrby(this.key, `run${FIELD}${series}${FIELD}le${FIELD}${le}`, 1)
      .exec()
      .catch(() => undefined);
  }

  /** Counts a job whose worker stopped holding it (it runs again). */
  recordStall(queue: string): void {
    this.redis.client
      .hincrby(this.key, `stall${FIELD}${queue}`, 1)
      .then(() => undefined)
      .catch(() => undefined);
  }

  /** The histogram and stall counter as Prometheus samples, from one HGETALL. */
  async read(): Promise<MetricSample[]> {
    const fields = await this.redis.client.hgetall(this.key);
    const runs = new Map<string, { count: number; sum: number; buckets: Map<string, number> }>();
    const samples: MetricSample[] = [];
    for (const [field, text] of Object.entries(fields)) {
      const parts = field.split(FIELD);
      const value = Number(text);
      if (parts[0] === 'stall' && parts.length === 2) {
        samples.push({ family: 'cbm_job_stalls_total', labels: { queue: parts[1] }, value });
        continue;
      }
      if (parts[0] !== 'run' || parts.length < 5) continue;
      const series = parts.slice(1, 4).join(FIELD);
      const run = runs.get(series) ?? { count: 0, sum: 0, buckets: new Map<string, number>() };
      runs.set(series, run);
      if (parts[4] === 'count') run.count = value;
      else if (parts[4] === 'sum') run.sum = value;
      else if (parts[4] === 'le' && parts[5] !== undefined) run.buckets.set(parts[5], value);
    }
    for (const [series, run] of runs) {
      const [queue, job, outcome] = series.split(FIELD);
      const labels = { queue, job, outcome };
      let cumulative = 0;
      for (const bound of [...JOB_DURATION_BUCKETS.map(String), '+Inf']) {
        cumulative += run.buckets.get(bound) ?? 0;
        samples.push({
          family: 'cbm_job_duration_seconds',
          series: 'cbm_job_duration_seconds_bucket',
          labels: { ...labels, le: bound },
          value: cumulative,
        });
      }
      samples.push({ family: 'cbm_job_duration_seconds', series: 'cbm_job_duration_seconds_sum', labels, value: run.sum });
      samples.push({ family: 'cbm_job_duration_seconds', series: 'cbm_job_duration_seconds_count', labels, value: run.count });
    }
    return samples;
  }
}

/** The queues' metrics, read when the API is scraped: job counts by state, job runs, and the outbox's lag. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly jobs: JobMetrics,
    private readonly outbox: OutboxRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.metrics.register({
      name: 'queues',
      cacheMs: 5000,
      families: [
        { name: 'cbm_queue_jobs', help: 'Jobs of each queue by state (waiting, delayed, active, prioritized, failed).', type: 'gauge' },
      ],
      read: async () => {
        const counts = await Promise.all(
          Object.values(QUEUES).map(async (name) => {
            const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
            return { name, counts: await queue.getJobCounts(...COUNTED_STATES) };
          }),
        );
        return counts.flatMap(({ name, counts: byState }) =>
          COUNTED_STATES.map((state) => ({ family: 'cbm_queue_jobs', labels: { queue: name, state }, value: byState[state] ?? 0 })),
        );
      },
    });
    this.metrics.register({
      name: 'jobs',
      cacheMs: 0,
      families: [
        {
          name: 'cbm_job_duration_seconds',
          help: 'Duration of job attempts in the workers, by queue, job and outcome (completed, failed, refused); _count counts the attempts.',
          type: 'histogram',
        },
        { name: 'cbm_job_stalls_total', help: 'Jobs whose worker stopped holding them (they run again), by queue.', type: 'counter' },
      ],
      read: () => this.jobs.read(),
    });
    this.metrics.register({
      name: 'outbox',
      cacheMs: 5000,
      families: [
        {
          name: 'cbm_outbox_oldest_unrelayed_age_seconds',
          help: 'Age of the oldest outbox row committed but not yet enqueued (0 when none): how far job relay lags.',
          type: 'gauge',
        },
        { name: 'cbm_outbox_unrelayed_rows', help: 'Outbox rows committed but not yet enqueued.', type: 'gauge' },
      ],
      read: async () => {
        const lag = await this.outbox.unrelayed();
        return [
          { family: 'cbm_outbox_oldest_unrelayed_age_seconds', labels: {}, value: lag.oldestAgeSeconds },
          { family: 'cbm_outbox_unrelayed_rows', labels: {}, value: lag.rows },
        ];
      },
    });
  }
}
