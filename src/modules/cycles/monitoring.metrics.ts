import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricSample, ServiceMetrics } from '../../common/service-metrics';
import { CycleResultRepository } from './cycle-result.repository';

/** How long one reading of the kept monitoring results serves scrapes. */
const CACHE_MS = 30_000;

/** The ratios of a kept monitoring result shown as gauges, by the result's field. */
const GAUGES = [
  {
    field: 'burnRatio',
    name: 'cbm_community_burn_ratio',
    help: 'Burn ratio of the community package (月监测), latest kept monitoring reading.',
  },
  {
    field: 'primaryShareToDate',
    name: 'cbm_community_primary_share',
    help: 'Primary institutions’ share of the expenditure to date, latest kept monitoring reading.',
  },
  {
    field: 'projectedPrimaryShare',
    name: 'cbm_community_projected_primary_share',
    help: 'Projected primary funds over the community package, latest kept monitoring reading.',
  },
  { field: 'primaryFloorRate', name: 'cbm_community_primary_floor', help: 'The primary share floor the reading was taken against.' },
] as const;

/**
 * Burn ratio and primary share per community for the service's metrics: read from the
 * monitoring cycle's kept results (never computed again per scrape), the latest period each.
 */
@Injectable()
export class MonitoringMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly results: CycleResultRepository,
  ) {}

  onModuleInit(): void {
    this.metrics.register({
      name: 'monitoring',
      cacheMs: CACHE_MS,
      families: GAUGES.map((g) => ({ name: g.name, help: g.help, type: 'gauge' as const })),
      read: async () => {
        const samples: MetricSample[] = [];
        for (const reading of await this.results.latestMonitoringReadings()) {
          const result = JSON.parse(reading.result) as Record<string, unknown>;
          const labels = { county: reading.countyCode, community: reading.communityCode, period: reading.period };
          for (const g of GAUGES) {
            // Ratios kept as decimal text; a gauge is a float by nature (no money here).
            const value = Number(result[g.field]);
            if (typeof result[g.field] === 'string' && Number.isFinite(value))
              samples.push({ family: g.name, labels, value, countyId: reading.countyId });
          }
        }
        return samples;
      },
    });
  }
}
