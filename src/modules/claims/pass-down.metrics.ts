import { Injectable, OnModuleInit } from '@nestjs/common';
import { BusinessClock } from '../../common/business-clock';
import { ServiceMetrics } from '../../common/service-metrics';
import { PassDownRepository } from './pass-down.repository';

/** How long one count of overdue pass-downs serves scrapes. */
const CACHE_MS = 30_000;

/** Overdue pass-downs (下拨逾期) per county, for the service's metrics. */
@Injectable()
export class PassDownMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly passDowns: PassDownRepository,
    private readonly clock: BusinessClock,
  ) {}

  onModuleInit(): void {
    this.metrics.register({
      name: 'pass-downs',
      cacheMs: CACHE_MS,
      families: [
        {
          name: 'cbm_pass_downs_overdue',
          help: 'Pass-downs still due after their deadline (business date), per county.',
          type: 'gauge',
        },
      ],
      read: async () =>
        (await this.passDowns.overdueByCounty(this.clock.today())).map((c) => ({
          family: 'cbm_pass_downs_overdue',
          labels: { county: c.countyCode },
          value: c.overdue,
          countyId: c.countyId,
        })),
    });
  }
}
