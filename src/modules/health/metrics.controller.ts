import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../../common/access.decorators';
import { currentContext } from '../../common/request-context';
import { METRICS_CONTENT_TYPE, MetricsAudience, ServiceMetrics } from '../../common/service-metrics';
import { scopeCountyIds } from '../../domain/access-policy';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ServiceMetrics) {}

  @Get()
  @Access({
    roles: ['ADMIN'],
    metricsScrape: 'Prometheus scrapes the deployment’s metrics with the METRICS_TOKEN its operator configured',
  })
  @ApiOperation({
    summary: 'The service’s metrics in the Prometheus text format',
    description:
      'Request durations, job durations and outcomes, queue depths, outbox lag, the MySQL pool, and business gauges. ' +
      'The configured METRICS_TOKEN reads every county; an ADMIN user or API token reads its own county’s business gauges (docs/operations.md).',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus exposition format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string', example: 'cbm_queue_jobs{queue="intake",state="waiting"} 0' } } },
  })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const caller = currentContext().caller;
    // An ADMIN reads the business gauges of the counties in its scope (its own, or those below its prefecture or province).
    const audience: MetricsAudience = caller ? { countyIds: scopeCountyIds(caller.scope) } : 'deployment';
    void reply.header('content-type', METRICS_CONTENT_TYPE);
    return this.metrics.render(audience);
  }
}
