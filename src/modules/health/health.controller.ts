import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { FastFailRedis } from '../../common/fast-fail-redis';
import { Public } from '../../common/access.decorators';
import { probe, ProbeResult } from './dependency-probes';
import { HealthRepository } from './health.repository';

const PROBE_TIMEOUT_MS = 1500;

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: HealthRepository,
    private readonly redis: FastFailRedis,
  ) {}

  @Get('live')
  @ApiOkResponse({ description: 'the process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'MySQL and Redis answer' })
  @ApiServiceUnavailableResponse({ description: 'a dependency is down; `checks` says which' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: 'ok' | 'down'; checks: Record<string, ProbeResult> }> {
    const [mysql, redis] = await Promise.all([
      probe(() => this.database.ping(), PROBE_TIMEOUT_MS, 'MySQL'),
      probe(() => this.redis.client.ping(), PROBE_TIMEOUT_MS, 'Redis'),
    ]);
    const ok = mysql.status === 'up' && redis.status === 'up';
    void reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'down', checks: { mysql, redis } };
  }
}
