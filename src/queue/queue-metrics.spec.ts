import type { FastFailRedis } from '../common/fast-fail-redis';
import type { AppConfig } from '../config/app-config';
import { JOB_DURATION_BUCKETS, JobMetrics } from './queue-metrics';

/** The hash commands JobMetrics uses, over a map (the real counters are covered by the e2e test). */
function hashStore() {
  const hashes = new Map<string, Map<string, number>>();
  const add = (key: string, field: string, by: number) => {
    const hash = hashes.get(key) ?? new Map<string, number>();
    hashes.set(key, hash);
    hash.set(field, (hash.get(field) ?? 0) + by);
    return Promise.resolve(hash.get(field));
  };
  const client = {
    hincrby: (key: string, field: string, by: number) => add(key, field, by),
    hgetall: async (key: string) => Object.fromEntries([...(hashes.get(key) ?? new Map<string, number>())].map(([f, v]) => [f, String(v)])),
    multi() {
      const queued: (() => Promise<unknown>)[] = [];
      const chain = {
        hincrby: (key: string, field: string, by: number) => (queued.push(() => add(key, field, by)), chain),
        hincrbyfloat: (key: string, field: string, by: number) => (queued.push(() => add(key, field, by)), chain),
        exec: async () => Promise.all(queued.map((q) => q())),
      };
      return chain;
    },
  };
  return { redis: { client } as unknown as FastFailRedis, hashes };
}

const config = { queue: { prefix: 'test' } } as AppConfig;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('JobMetrics', () => {
  it('reads what workers recorded as a cumulative histogram per queue, job and outcome, and stalls per queue', async () => {
    const { redis, hashes } = hashStore();
    const metrics = new JobMetrics(redis, config);
    metrics.record('registry', 'registry.import-institutions', 'completed', 0.2);
    metrics.record('registry', 'registry.import-institutions', 'completed', 3);
    metrics.record('registry', 'registry.import-institutions', 'completed', 4000);
    metrics.record('cycles', 'yearend.post', 'refused', 0.01);
    metrics.recordStall('cycles');
    metrics.recordStall('cycles');
    await settle();
    expect([...hashes.keys()]).toEqual(['test:metrics:jobs']);

    const samples = await metrics.read();
    const imports = { queue: 'registry', job: 'registry.import-institutions', outcome: 'completed' };
    const bucket = (le: string) =>
      samples.find((s) => s.series === 'cbm_job_duration_seconds_bucket' && s.labels.job === imports.job && s.labels.le === le)?.value;
    expect(bucket('0.1')).toBe(0);
    expect(bucket('0.25')).toBe(1);
    expect(bucket('2.5')).toBe(1);
    expect(bucket('5')).toBe(2);
    expect(bucket(String(JOB_DURATION_BUCKETS[JOB_DURATION_BUCKETS.length - 1]))).toBe(2);
    expect(bucket('+Inf')).toBe(3);
    expect(samples.filter((s) => s.series === 'cbm_job_duration_seconds_bucket' && s.labels.job === imports.job)).toHaveLength(
      JOB_DURATION_BUCKETS.length + 1,
    );
    expect(samples.find((s) => s.series === 'cbm_job_duration_seconds_count' && s.labels.job === imports.job)).toEqual({
      family: 'cbm_job_duration_seconds',
      series: 'cbm_job_duration_seconds_count',
      labels: imports,
      value: 3,
    });
    expect(samples.find((s) => s.series === 'cbm_job_duration_seconds_sum' && s.labels.job === imports.job)?.value).toBeCloseTo(4003.2, 6);
    expect(samples.find((s) => s.series === 'cbm_job_duration_seconds_count' && s.labels.outcome === 'refused')?.labels).toEqual({
      queue: 'cycles',
      job: 'yearend.post',
      outcome: 'refused',
    });
    expect(samples.filter((s) => s.family === 'cbm_job_stalls_total')).toEqual([
      { family: 'cbm_job_stalls_total', labels: { queue: 'cycles' }, value: 2 },
    ]);
  });

  it('never fails the job when Redis is away', async () => {
    const failing = {
      client: {
        multi: () => ({
          hincrby() {
            return this;
          },
          hincrbyfloat() {
            return this;
          },
          exec: () => Promise.reject(new Error('Connection is closed.')),
        }),
        hincrby: () => Promise.reject(new Error('Connection is closed.')),
      },
    } as unknown as FastFailRedis;
    const metrics = new JobMetrics(failing, config);
    expect(() => metrics.record('intake', 'intake.process-upload', 'failed', 1)).not.toThrow();
    expect(() => metrics.recordStall('intake')).not.toThrow();
    await settle();
  });
});
