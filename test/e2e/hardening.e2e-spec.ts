import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { ApiClient, http, RunningApi, startApi, tableCounts } from '../support/test-app';

/** What a hostile client found, each kept found: bodies, encodings, echoes and headers. */
describe('hardening: requests a hostile client sends', () => {
  let api: RunningApi;
  let f: CommunityFixture;

  beforeAll(async () => {
    api = await startApi({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
    f = await createCommunityFixture(api, 1);
  }, 60_000);
  afterAll(async () => api?.close());

  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('refuses JSON nested beyond 32 levels with 400 before any validation, on a route taken before sign-in', async () => {
    const body = `{"username":${'['.repeat(2000)}${']'.repeat(2000)},"password":"x"}`;
    const res = await http(api.baseUrl, 'POST', '/api/v1/auth/login', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('JSON_TOO_DEEP');
    expect((await http(api.baseUrl, 'POST', '/api/v1/auth/login', nested(32))).status).toBe(400);
    expect((await http(api.baseUrl, 'POST', '/api/v1/auth/login', nested(32))).body.code).not.toBe('JSON_TOO_DEEP');
  });

  it('a 2 MB deeply nested body is refused in linear time, and health probes do not wait', async () => {
    const depth = 1_000_000;
    const body = '['.repeat(depth) + ']'.repeat(depth);
    const started = Date.now();
    const [res, health] = await Promise.all([
      http(api.baseUrl, 'POST', '/api/v1/auth/login', body),
      (async () => {
        const t = Date.now();
        await http(api.baseUrl, 'GET', '/health/live');
        return Date.now() - t;
      })(),
    ]);
    expect(res.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(health).toBeLessThan(1000);
  });

  it('refuses lone surrogates and control characters with 422 naming the field, and stores nothing', async () => {
    const before = await tableCounts(api.dataSource, ['disbursement_hold', 'app_user']);
    for (const reason of ['\ud800', 'a\u0000b', 'x\u0007y']) {
      const res = await f.admin.post(`/api/v1/users`, {
        username: 'evil.user',
        displayName: reason,
        institutionCode: f.bureau,
        roles: ['AUDITOR'],
        password: 'a-long-password-1',
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('TEXT_MALFORMED');
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'displayName', rule: 'wellFormedText' })]);
    }
    expect(await tableCounts(api.dataSource, ['disbursement_hold', 'app_user'])).toEqual(before);
  });

  it('answers 400 to a multipart upload without a boundary, and 415 to multipart elsewhere', async () => {
    const noBoundary = await http(api.baseUrl, 'POST', '/api/v1/institutions/import', '--x\r\n\r\n', {
      authorization: `Bearer ${f.admin.token}`,
      'content-type': 'multipart/form-data',
    });
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.body.code).toBe('MULTIPART_BOUNDARY_MISSING');
    const elsewhere = await http(api.baseUrl, 'POST', '/api/v1/communities', '--x\r\n\r\n', {
      authorization: `Bearer ${f.admin.token}`,
      'content-type': 'multipart/form-data; boundary=x',
    });
    expect(elsewhere.status).toBe(415);
  });

  it('takes UTF-8 JSON only: a form-encoded sign-in or a UTF-16 body is 415', async () => {
    const form = await http(api.baseUrl, 'POST', '/api/v1/auth/login', `username=${f.admin.username}&password=test-password-0001`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect(form.body.accessToken).toBeUndefined();
    const utf16 = await http(api.baseUrl, 'POST', '/api/v1/auth/login', '{}', { 'content-type': 'application/json; charset=utf-16' });
    expect(utf16.status).toBe(415);
    const utf8 = await http(api.baseUrl, 'POST', '/api/v1/auth/login', '{}', { 'content-type': 'application/json; charset=UTF-8' });
    expect(utf8.status).toBe(400);
  });

  it('signs out with an empty JSON body or {}, while a route that takes a body still refuses an empty one naming it', async () => {
    for (const body of ['', '{}']) {
      const session = await ApiClient.signIn(api.baseUrl, f.admin.username, 'test-password-0001');
      const res = await http(api.baseUrl, 'POST', '/api/v1/auth/logout', body, {
        authorization: `Bearer ${session.token}`,
        'content-type': 'application/json',
      });
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 204]);
      expect((await session.get('/api/v1/auth/me')).status).toBe(401);
    }
    const empty = await http(api.baseUrl, 'POST', '/api/v1/auth/login', '', { 'content-type': 'application/json' });
    expect(empty.status).toBe(400);
    expect(empty.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'username' })]));
  });

  it('never echoes a bad value at length: three 1 MB bad fields give a small answer', async () => {
    const big = 'x'.repeat(1_000_000);
    const clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const res = await clerk.post('/api/v1/settlement-records', {
      records: [{ externalId: big, unitCode: big, insuredId: big, visitType: 'OUTPATIENT', totalCost: '1.00' }],
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body).length).toBeLessThan(16_000);
  });

  it('answers 429 with Retry-After, and data answers are not cached', async () => {
    let last = 0;
    let retryAfter: string | null = null;
    for (let i = 0; i < 6 && last !== 429; i++) {
      const res = await http(api.baseUrl, 'POST', '/api/v1/auth/login', { username: 'someone.else', password: 'wrong-password' });
      last = res.status;
      retryAfter = res.headers.get('retry-after');
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const list = await f.admin.get('/api/v1/institutions');
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a query parameter a list does not take, naming it, instead of ignoring it', async () => {
    for (const path of ['/api/v1/inbox', '/api/v1/calendar/years', '/api/v1/auth/me', '/api/v1/notifications/webhook']) {
      expect([path, (await f.admin.get(path)).status]).toEqual([path, 200]);
      const res = await f.admin.get(`${path}?countyCode=NOPE`);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'countyCode', rule: 'unknownField' })]);
    }
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    expect((await lead.get('/api/v1/notifications/webhook')).status).toBe(200);
    expect((await lead.get('/api/v1/notifications/webhook?x=1')).status).toBe(400);
    expect((await lead.get('/api/v1/cycles')).status).toBe(200);
    expect((await lead.get('/api/v1/cycles?communityCode=NOPE')).status).toBe(400);
  });
});
