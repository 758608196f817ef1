import { Injectable, Logger } from '@nestjs/common';
import { Gauge, Histogram, Metric, Registry } from 'prom-client';

export type MetricType = 'gauge' | 'counter' | 'histogram';

/** One metric family as Prometheus lists it: a name, its help line and its type. */
export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
}

/** One series value of a family read by a collector. */
export interface MetricSample {
  family: string;
  /** The series name when it is not the family's own (a histogram's `_bucket`, `_sum` and `_count`). */
  series?: string;
  labels: Record<string, string | number>;
  value: number;
  /** The county the figure belongs to: only the deployment's scraper and that county's callers read it. */
  countyId?: number;
}

/** Figures read at scrape time (queue depths, outbox lag, business gauges), each by the module that owns them. */
export interface MetricsCollector {
  name: string;
  families: readonly MetricFamily[];
  /** How long one reading serves the scrapes that follow it; 0 reads at every scrape. */
  cacheMs: number;
  read(): Promise<MetricSample[]>;
}

/** Who scrapes: the deployment (the configured scrape token) reads every county, an ADMIN reads its own county. */
export type MetricsAudience = 'deployment' | { countyIds: readonly number[] };

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** The route label of a request no route matched (so that raw URLs never become labels). */
export const UNMATCHED_ROUTE = 'unmatched';

interface Reading {
  at: number;
  samples: Promise<MetricSample[]>;
}

/**
 * The service's Prometheus metrics: request durations observed in this process, and the
 * figures of the registered collectors, read (or taken from their short cache) at scrape time.
 * Its own registry, never prom-client's global one, so that several applications in one
 * process (the tests) never share series.
 */
@Injectable()
export class ServiceMetrics {
  private readonly logger = new Logger(ServiceMetrics.name);
  private readonly registry = new Registry();
  private readonly requestDuration = new Histogram({
    name: 'cbm_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly collectors: MetricsCollector[] = [];
  private readonly readings = new Map<string, Reading>();

  /** Called once per answered request: one histogram observation, nothing else. */
  observeRequest(method: string, route: string | undefined, status: number, elapsedMs: number): void {
    this.requestDuration.observe({ method, route: route ?? UNMATCHED_ROUTE, status: String(status) }, elapsedMs / 1000);
  }

  register(collector: MetricsCollector): void {
    const taken = new Set([
      'cbm_http_request_duration_seconds',
      'cbm_metrics_collector_up',
      ...this.collectors.flatMap((c) => c.families.map((f) => f.name)),
    ]);
    if (this.collectors.some((c) => c.name === collector.name)) throw new Error(`metrics collector ${collector.name} registered twice`);
    const clash = collector.families.find((f) => taken.has(f.name));
    if (clash) throw new Error(`metric ${clash.name} of collector ${collector.name} is already registered`);
    this.collectors.push(collector);
  }

  /** The Prometheus text of every series the audience may read. */
  async render(audience: MetricsAudience): Promise<string> {
    const scrape = new Registry();
    const up = new Gauge({
      name: 'cbm_metrics_collector_up',
      help: '1 when the collector answered at this scrape (its series are then present), 0 when it failed.',
      labelNames: ['collector'] as const,
      registers: [scrape],
    });
    const readings = await Promise.all(
      this.collectors.map(async (collector) => {
        try {
          const samples = await this.reading(collector);
          up.set({ collector: collector.name }, 1);
          return { collector, samples };
        } catch (err) {
          this.logger.warn(`metrics collector ${collector.name} failed: ${err instanceof Error ? err.message : String(err)}`);
          up.set({ collector: collector.name }, 0);
          return { collector, samples: [] };
        }
      }),
    );
    for (const { collector, samples } of readings) {
      const readable = samples.filter(
        (s) => s.countyId === undefined || audience === 'deployment' || audience.countyIds.includes(s.countyId),
      );
      for (const family of collector.families) {
        const values = readable
          .filter((s) => s.family === family.name)
          .map((s) => ({ metricName: s.series ?? family.name, labels: s.labels, value: s.value }));
        scrape.registerMetric(collectedFamily(family, values));
      }
    }
    return `${await this.registry.metrics()}\n${await scrape.metrics()}`;
  }

  /** A collector's samples: its cached reading while fresh (one reading in flight serves every scrape waiting on it). */
  private reading(collector: MetricsCollector): Promise<MetricSample[]> {
    const now = Date.now();
    const cached = this.readings.get(collector.name);
    if (cached && now - cached.at < Math.max(collector.cacheMs, 0)) return cached.samples;
    const samples = collector.read();
    const reading = { at: now, samples };
    this.readings.set(collector.name, reading);
    samples.catch(() => {
      if (this.readings.get(collector.name) === reading) this.readings.delete(collector.name);
    });
    return samples;
  }
}

/** A family whose values were read by a collector, in the shape prom-client's registry prints. */
function collectedFamily(
  family: MetricFamily,
  values: { metricName: string; labels: Record<string, string | number>; value: number }[],
): Metric {
  const metric = { name: family.name, help: family.help, type: family.type, aggregator: 'sum', values };
  return { ...metric, get: async () => metric } as unknown as Metric;
}
