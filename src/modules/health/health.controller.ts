import { Controller, Get, HttpStatus, Inject, OnModuleDestroy, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Public } from '../access/access.decorators';
import { probe, ProbeResult } from './dependency-probes';

const PROBE_TIMEOUT_MS = 1500;

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController implements OnModuleDestroy {
  /** Fails fast while Redis is down (no offline queue) and reconnects by itself when it is back. */
  private readonly redis: Redis;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = new Redis({
      host: config.redis.host,
      port: config.redis.port,
      password: config.redis.password,
      db: config.redis.db,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: PROBE_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    });
    this.redis.on('error', () => undefined);
  }

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
      probe(() => this.dataSource.query('SELECT 1'), PROBE_TIMEOUT_MS, 'MySQL'),
      probe(() => this.redis.ping(), PROBE_TIMEOUT_MS, 'Redis'),
    ]);
    const ok = mysql.status === 'up' && redis.status === 'up';
    void reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'down', checks: { mysql, redis } };
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
