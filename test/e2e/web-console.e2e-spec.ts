import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { describeApi } from '../../src/app.factory';
import { http, RunningApi, startApi, testConfig } from '../support/test-app';

describe('the web console served by the API', () => {
  let api: RunningApi;
  let webRoot: string;
  const indexHtml =
    '<!doctype html><html lang="zh-CN"><body><div id="root"></div><script type="module" src="/assets/index-abc.js"></script></body></html>';

  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'cbm-web-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), indexHtml);
    writeFileSync(join(webRoot, 'assets', 'index-abc.js'), 'console.log("console")');
    writeFileSync(join(webRoot, 'assets', 'index-abc.js.br'), brotliCompressSync('console.log("console")'));
    api = await startApi({ WEB_ROOT: webRoot });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('answers / and any deep console route with index.html under a self-only script policy, never cached', async () => {
    for (const path of ['/', '/claims/12', '/some/deep/route?tab=records']) {
      const res = await http(api.baseUrl, 'GET', path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.body).toBe(indexHtml);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('serves the hashed assets as files, cached for good; a missing asset is a 404', async () => {
    const res = await http(api.baseUrl, 'GET', '/assets/index-abc.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.body).toBe('console.log("console")');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await http(api.baseUrl, 'GET', '/assets/missing.js')).status).toBe(404);
  });

  it('sends the pre-compressed copy the build wrote when the browser accepts it, and the plain file otherwise', async () => {
    const get = (encoding: string) =>
      new Promise<{ encoding?: string; vary?: string; body: Buffer }>((ok, fail) => {
        const url = new URL('/assets/index-abc.js', api.baseUrl);
        request(url, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => ok({ encoding: res.headers['content-encoding'], vary: res.headers.vary, body: Buffer.concat(chunks) }));
        })
          .on('error', fail)
          .end();
      });
    const br = await get('gzip, deflate, br');
    expect(br.encoding).toBe('br');
    expect(br.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.body).toString()).toBe('console.log("console")');
    const plain = await get('identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.toString()).toBe('console.log("console")');
  });

  it('leaves the API, health and docs paths to the API: an unknown API path is its JSON 404', async () => {
    for (const path of ['/api/v1/nope', '/api/nope', '/health/nope', '/docs/nope']) {
      const res = await http(api.baseUrl, 'GET', path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    }
    const unknownPost = await http(api.baseUrl, 'POST', '/api/v1/nope', {});
    expect(unknownPost.status).toBe(404);
    expect(unknownPost.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const health = await http(api.baseUrl, 'GET', '/health/live');
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await http(api.baseUrl, 'GET', '/docs')).headers.get('content-type')).toMatch(/^text\/html/);
    const docs = await http(api.baseUrl, 'GET', '/docs/openapi.json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
  });

  it('the API still answers JSON with its own headers under /api/v1', async () => {
    const res = await http(api.baseUrl, 'GET', '/api/v1/auth/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('describes the API without a server or database exactly as the running API serves its document', async () => {
    const served = await http(api.baseUrl, 'GET', '/docs/openapi.json');
    const offline = await describeApi(testConfig({ DB_PORT: '1', REDIS_PORT: '1' }));
    expect(offline).toEqual(served.body);
    expect(Object.keys(offline.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/member-claims/{id}/submit', '/api/v1/inbox']),
    );
  });
});
