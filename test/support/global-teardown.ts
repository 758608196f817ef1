import Redis from 'ioredis';
import { loadConfig } from '../../src/config/app-config';
import { dropDatabase } from '../../src/database/database-admin';

export default async function globalTeardown(): Promise<void> {
  const config = loadConfig();
  if (!config.db.name.startsWith('cbm_test_')) return;
  if (!process.env.KEEP_TEST_DB) await dropDatabase(config.db, config.db.name);
  const redis = new Redis({ host: config.redis.host, port: config.redis.port, password: config.redis.password, db: config.redis.db });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.queue.prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
