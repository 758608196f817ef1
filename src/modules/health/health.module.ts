import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthRepository } from './health.repository';
import { MetricsController } from './metrics.controller';

/** Operations: liveness and readiness probes, and the Prometheus metrics. */
@Module({ controllers: [HealthController, MetricsController], providers: [HealthRepository] })
export class HealthModule {}
