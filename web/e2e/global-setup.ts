import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** The business date the browser tests run on (Asia/Shanghai), so claim periods and cut-offs are fixed. */
export const BUSINESS_DATE = '2026-11-10';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/**
 * Starts the built API (dist/, serving web/dist) on a fresh database with the demo county, as
 * `scripts/demo.sh` would, and stops it and drops the database afterwards.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DB_NAME: `cbm_test_browser_${run}`,
    QUEUE_PREFIX: `cbm-test-browser-${run}`,
    LOG_LEVEL: 'silent',
    SCHEDULES_ENABLED: 'false',
    BUSINESS_DATE,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://localhost:${port}`,
    WEB_ROOT: resolve(root, 'web/dist'),
  };
  execFileSync(process.execPath, ['dist/src/cli/migrate.js', 'up'], { cwd: root, env, stdio: 'ignore' });
  execFileSync(process.execPath, ['dist/src/cli/seed-demo.js'], { cwd: root, env, stdio: 'ignore' });
  const apiProcess = spawn(process.execPath, ['dist/src/main.js'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://localhost:${port}`;
  const started = Date.now();
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (apiProcess.exitCode !== null) throw new Error(`the API exited during start-up (${apiProcess.exitCode})`);
    if (Date.now() - started > 30_000) throw new Error('the API did not become ready within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  process.env.CONSOLE_URL = url;
  process.env.CONSOLE_BUSINESS_DATE = BUSINESS_DATE;

  return async () => {
    apiProcess.kill('SIGTERM');
    await new Promise((r) => apiProcess.once('exit', r));
    if (process.env.KEEP_TEST_DB) return;
    const { loadConfig } = require(resolve(root, 'dist/src/config/app-config.js'));
    const { dropDatabase } = require(resolve(root, 'dist/src/database/database-admin.js'));
    const config = loadConfig(env);
    await dropDatabase(config.db, config.db.name);
    // The run's queue keys, as the Jest teardown removes its own.
    const Redis = require(resolve(root, 'node_modules/ioredis')).default;
    const redis = new Redis({ host: config.redis.host, port: config.redis.port, password: config.redis.password, db: config.redis.db });
    try {
      let cursor = '0';
      do {
        const [next, keys]: [string, string[]] = await redis.scan(cursor, 'MATCH', `${config.queue.prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  };
}
