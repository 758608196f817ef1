import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * A Redis connection for calls that must answer at once or fail (readiness probes, rate
 * limits): no offline queue, no retries per command, and it reconnects by itself once Redis
 * is back. BullMQ keeps its own, patient connections.
 */
@Injectable()
export class FastFailRedis implements OnModuleDestroy {
  readonly client: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new Redis({
      host: config.redis.host,
      port: config.redis.port,
      password: config.redis.password,
      db: config.redis.db,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1500,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    });
    this.client.on('error', () => undefined);
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
