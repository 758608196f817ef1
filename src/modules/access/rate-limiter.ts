import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DomainError } from '../../domain/domain-error';

/**
 * Fixed one-minute windows counted in Redis, so that every API instance shares the count.
 * While Redis is unreachable requests are let through: throttling must not take the API down.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly redis: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.redis = new Redis({
      host: config.redis.host,
      port: config.redis.port,
      password: config.redis.password,
      db: config.redis.db,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.redis.on('error', () => undefined);
  }

  get loginLimit(): number {
    return this.config.auth.loginRateLimitPerMinute;
  }

  async consume(key: string, limit = this.config.auth.rateLimitPerMinute): Promise<void> {
    const window = Math.floor(Date.now() / 60_000);
    const redisKey = `${this.config.queue.prefix}:ratelimit:${key}:${window}`;
    let count: number;
    try {
      const [[, value]] = (await this.redis.multi().incr(redisKey).expire(redisKey, 61).exec()) as [[Error | null, number]];
      count = value;
    } catch (err) {
      this.logger.warn(`rate limit not applied (Redis unavailable): ${(err as Error).message}`);
      return;
    }
    if (count > limit) {
      const retryAfter = 60 - Math.floor((Date.now() / 1000) % 60);
      throw new DomainError('RATE_LIMITED', 'too_many_requests', `more than ${limit} requests in a minute; retry in ${retryAfter} s`, [
        { field: '', rule: 'rateLimit', message: `limit ${limit} per minute` },
      ]);
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
