import { Inject, Injectable, Logger } from '@nestjs/common';
import { FastFailRedis } from '../../common/fast-fail-redis';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { assertWithinRateLimit } from '../../domain/access-policy';

/** Counts one request in a window and gives the window its lifetime when it is new: one round trip. */
const COUNT_IN_WINDOW = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

type CountingRedis = { countInWindow(key: string, ttlSeconds: number): Promise<number> };

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
  ) {
    if (!('countInWindow' in redis.client)) redis.client.defineCommand('countInWindow', { numberOfKeys: 1, lua: COUNT_IN_WINDOW });
  }

  get loginLimit(): number {
    return this.config.auth.loginRateLimitPerMinute;
  }

  async consume(key: string, limit = this.config.auth.rateLimitPerMinute): Promise<void> {
    const window = Math.floor(Date.now() / 60_000);
    const redisKey = `${this.config.queue.prefix}:ratelimit:${key}:${window}`;
    let count: number;
    try {
      count = await (this.redis.client as unknown as CountingRedis).countInWindow(redisKey, 61);
    } catch (err) {
      this.logger.warn(`rate limit not applied (Redis unavailable): ${(err as Error).message}`);
      return;
    }
    assertWithinRateLimit(count, limit, new Date());
  }
}
