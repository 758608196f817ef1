import * as path from 'node:path';
import { http, RunningApi, startApi, testConfig } from '../support/test-app';
import { TcpProxy } from '../support/tcp-proxy';

/** Polls until `predicate` holds, returning how long it took; fails after `limitMs`. */
async function within(limitMs: number, predicate: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await predicate()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`condition not reached within ${limitMs} ms`);
}

describe('readiness follows MySQL and Redis without a restart', () => {
  const config = testConfig();
  const mysqlProxy = new TcpProxy(config.db.host, config.db.port);
  const redisProxy = new TcpProxy(config.redis.host, config.redis.port);
  let api: RunningApi;

  const ready = () => http(api.baseUrl, 'GET', '/health/ready');

  beforeAll(async () => {
    const [dbPort, redisPort] = [await mysqlProxy.start(), await redisProxy.start()];
    api = await startApi({ DB_PORT: String(dbPort), REDIS_PORT: String(redisPort) });
  });
  afterAll(async () => {
    await mysqlProxy.start();
    await redisProxy.start();
    await api.close();
    await mysqlProxy.stop();
    await redisProxy.stop();
  }, 20000);

  it('is live and ready while both answer', async () => {
    expect((await http(api.baseUrl, 'GET', '/health/live')).body).toEqual({ status: 'ok' });
    const res = await ready();
    expect(res.status).toBe(200);
    expect(res.body.checks).toMatchObject({ mysql: { status: 'up' }, redis: { status: 'up' } });
  });

  it.each([
    ['redis', redisProxy],
    ['mysql', mysqlProxy],
  ])('reports %s down within seconds, and up again once it is back', async (name, proxy) => {
    await proxy.stop();
    const downAfter = await within(5000, async () => {
      const res = await ready();
      return res.status === 503 && res.body.checks[name].status === 'down';
    });
    const other = name === 'redis' ? 'mysql' : 'redis';
    expect((await ready()).body.checks[other].status).toBe('up');
    await proxy.start();
    const upAfter = await within(10000, async () => (await ready()).status === 200);
    expect(downAfter).toBeLessThan(5000);
    expect(upAfter).toBeLessThan(10000);
  });
});

describe('start-up without its dependencies', () => {
  const entry = (name: string) => path.join(__dirname, '../../dist/src', name);

  async function closedPort(): Promise<number> {
    const proxy = new TcpProxy('127.0.0.1', 1);
    const port = await proxy.start();
    await proxy.stop();
    return port;
  }

  it.each([
    ['main.js', 'DB_PORT', /^api: cannot start: MySQL not reachable at .*ECONNREFUSED/],
    ['worker.js', 'REDIS_PORT', /^worker: cannot start: Redis not reachable at .*ECONNREFUSED/],
  ])('%s exits 1 with one clear line when %s points nowhere', async (file, variable, message) => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, [entry(file)], {
      env: { ...process.env, [variable]: String(await closedPort()), PORT: String(await closedPort()) },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});
