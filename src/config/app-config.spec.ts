import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has working defaults for a local machine', () => {
    const c = loadConfig({});
    expect(c.db).toEqual({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      password: '',
      name: 'capitation',
      poolSize: 10,
      appendOnlyProtection: 'trigger',
    });
    expect(c.bulkLoad).toBe('auto');
    expect(c.redis).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(c.http).toMatchObject({ port: 3000, publicUrl: 'http://127.0.0.1:3000', corsOrigins: [] });
  });

  it('converts numbers, booleans and lists', () => {
    const c = loadConfig({ PORT: '8080', LOG_PRETTY: 'true', CORS_ORIGINS: 'https://a.example, https://b.example', DB_PASSWORD: 's3cret' });
    expect(c.http.port).toBe(8080);
    expect(c.log.pretty).toBe(true);
    expect(c.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.db.password).toBe('s3cret');
  });

  it('keeps the webhook address guard on unless explicitly turned off, and never off in production', () => {
    expect(loadConfig({}).webhooks.allowLocalTargets).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).webhooks.allowLocalTargets).toBe(false);
    expect(loadConfig({ WEBHOOK_ALLOW_LOCAL_TARGETS: 'true' }).webhooks.allowLocalTargets).toBe(true);
    const secret = 'production-test-secret-of-forty-characters';
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, INSURED_ID_HASH_KEY: secret, WEBHOOK_ALLOW_LOCAL_TARGETS: 'true' }),
    ).toThrow(/WEBHOOK_ALLOW_LOCAL_TARGETS/);
  });

  it('takes the fallbacks for databases without triggers or LOAD DATA LOCAL, and a hash-tagged queue prefix for Redis Cluster', () => {
    const c = loadConfig({ AUDIT_PROTECTION: 'app', BULK_LOAD: 'insert', QUEUE_PREFIX: '{cbm}' });
    expect(c.db.appendOnlyProtection).toBe('app');
    expect(c.bulkLoad).toBe('insert');
    expect(c.queue.prefix).toBe('{cbm}');
    expect(loadConfig({ QUEUE_PREFIX: '{cbm}:test-1' }).queue.prefix).toBe('{cbm}:test-1');
    expect(() => loadConfig({ AUDIT_PROTECTION: 'none' })).toThrow(/AUDIT_PROTECTION/);
    expect(() => loadConfig({ BULK_LOAD: 'fast' })).toThrow(/BULK_LOAD/);
    for (const prefix of ['{cbm', 'cbm}', '{}', 'a{b}', '{a}{b}'])
      expect(() => loadConfig({ QUEUE_PREFIX: prefix })).toThrow(/QUEUE_PREFIX/);
  });

  it('names every invalid variable in one error', () => {
    expect(() => loadConfig({ PORT: 'eighty', DB_NAME: 'bad-name;drop', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DB_NAME: 'bad-name;drop', LOG_LEVEL: 'loud' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT: .*DB_NAME: .*LOG_LEVEL: /);
    }
  });
  it('refuses a schedule override for a cycle that does not exist, naming it', () => {
    expect(loadConfig({ CYCLE_SCHEDULES: 'monitoring=0 0 6 * * *;year-end=off' }).queue.scheduleOverrides).toEqual({
      monitoring: '0 0 6 * * *',
      'year-end': 'off',
    });
    expect(() => loadConfig({ CYCLE_SCHEDULES: 'monitor=off' })).toThrow('CYCLE_SCHEDULES: no cycle named monitor');
  });
});
