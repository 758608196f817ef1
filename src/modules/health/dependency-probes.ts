import Redis from 'ioredis';
import * as mysql2 from 'mysql2/promise';
import { AppConfig } from '../../config/app-config';

export type ProbeResult = { status: 'up'; latencyMs: number } | { status: 'down'; error: string };

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function probe(fn: () => Promise<unknown>, ms: number, what: string): Promise<ProbeResult> {
  const started = performance.now();
  try {
    await withTimeout(fn(), ms, what);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { status: 'down', error: e.code ? `${e.code}: ${e.message}` : String(e.message ?? err) };
  }
}

/**
 * Checked before anything else starts, so that a missing database or Redis gives one clear
 * line and a non-zero exit rather than a stack of framework retries.
 */
export async function assertDependenciesReachable(cfg: AppConfig): Promise<void> {
  const mysql = await probe(
    async () => {
      const conn = await mysql2.createConnection({
        host: cfg.db.host,
        port: cfg.db.port,
        user: cfg.db.user,
        password: cfg.db.password,
        connectTimeout: 3000,
      });
      await conn.end();
    },
    4000,
    'MySQL',
  );
  const redis = await probe(
    async () => {
      const client = new Redis({
        host: cfg.redis.host,
        port: cfg.redis.port,
        password: cfg.redis.password,
        db: cfg.redis.db,
        lazyConnect: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
        connectTimeout: 3000,
      });
      let firstError: Error | undefined;
      client.on('error', (err: Error) => (firstError ??= err));
      try {
        await client.connect();
        await client.ping();
      } catch (err) {
        throw firstError ?? err;
      } finally {
        client.disconnect();
      }
    },
    4000,
    'Redis',
  );
  const problems: string[] = [];
  if (mysql.status === 'down') problems.push(`MySQL not reachable at ${cfg.db.user}@${cfg.db.host}:${cfg.db.port} (${mysql.error})`);
  if (redis.status === 'down') problems.push(`Redis not reachable at ${cfg.redis.host}:${cfg.redis.port} (${redis.error})`);
  if (problems.length) throw new Error(`${problems.join('; ')} — start them or set DB_* / REDIS_* (see config/example.env)`);
}
