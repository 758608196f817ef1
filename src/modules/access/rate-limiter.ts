import { Inject, Injectable, Logger } from '@nestjs/common';
import { FastFailRedis } from '../../common/fast-fail-redis';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { assertWithinRateLimit } from '../../domain/access-policy';

/**
 * Fixed one-minute windows counted in Redis, so that every API instance shares the count.
 * While Redis is unreachable requests are let through: throttling must not take the API down.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: FastFailRedis,
  ) {}

  get loginLimit(): number {
    return this.config.auth.loginRateLimitPerMinute;
  }

  async consume(key: string, limit = this.config.auth.rateLimitPerMinute): Promise<void> {
    const window = Math.floor(Date.now() / 60_000);
    const redisKey = `${this.config.queue.prefix}:ratelimit:${key}:${window}`;
    let count: number;
    try {
      const [[, value]] = (await this.redis.client.multi().incr(redisKey).expire(redisKey, 61).exec()) as [[Error | null, number]];
      count = value;
    } catch (err) {
      this.logger.warn(`rate limit not applied (Redis unavailable): ${(err as Error).message}`);
      return;
    }
    assertWithinRateLimit(count, limit, new Date());
  }
}
