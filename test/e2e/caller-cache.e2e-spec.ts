import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { ApiClient, http, RunningApi, startApi } from '../support/test-app';

/**
 * A verified session or API token is reused for at most AUTH_CACHE_TTL_MS: a change made through
 * this instance takes effect on its next request, one made elsewhere (another instance, the
 * registry, the database) within the bound.
 */
const TTL_MS = 1500;

describe('how soon an ended credential is refused', () => {
  let api: RunningApi;
  let other: RunningApi;
  let a: CommunityFixture;

  beforeAll(async () => {
    api = await startApi({ AUTH_CACHE_TTL_MS: String(TTL_MS) });
    other = await startApi({ AUTH_CACHE_TTL_MS: String(TTL_MS) });
    a = await createCommunityFixture(api, 1);
  });
  afterAll(async () => {
    await other?.close();
    await api?.close();
  });

  async function signIn(username: string, on: RunningApi = api): Promise<ApiClient> {
    return ApiClient.signIn(on.baseUrl, username, 'test-password-0001');
  }

  /** Milliseconds from now until `client` is refused (polling every 50 ms), or Infinity past `limitMs`. */
  async function msUntilRefused(client: ApiClient, limitMs: number): Promise<number> {
    const started = Date.now();
    while (Date.now() - started <= limitMs) {
      if ((await client.get('/api/v1/auth/me')).status === 401) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 50));
    }
    return Infinity;
  }

  it('refuses a session signed out on another instance within the bound, and at once on the instance that signed it out', async () => {
    const user = await a.as(['AUDITOR'], a.bureau);
    const here = await signIn(user.username);
    const there = new ApiClient(other.baseUrl, here.token);
    expect((await here.get('/api/v1/auth/me')).status).toBe(200);
    expect((await there.get('/api/v1/auth/me')).status).toBe(200); // now remembered by the other instance too
    expect((await here.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await here.get('/api/v1/auth/me')).status).toBe(401);
    const elapsed = await msUntilRefused(there, TTL_MS + 1000);
    expect(elapsed).toBeLessThanOrEqual(TTL_MS + 250);
  });

  it('refuses a deactivated user on the next request, and sees changed roles on the next request', async () => {
    const user = await a.as(['BUREAU_CLERK'], a.bureau);
    const session = await signIn(user.username);
    expect((await session.get('/api/v1/auth/me')).body.roles).toEqual(['BUREAU_CLERK']);
    const version = (await a.admin.get(`/api/v1/users/${user.username}`)).body.version;
    const changed = await a.admin.patch(`/api/v1/users/${user.username}`, { roles: ['BUREAU_APPROVER'], version });
    expect(changed.status).toBe(200);
    expect((await session.get('/api/v1/auth/me')).body.roles).toEqual(['BUREAU_APPROVER']);
    const deactivated = await a.admin.patch(`/api/v1/users/${user.username}`, { active: false, version: changed.body.version });
    expect(deactivated.status).toBe(200);
    expect((await session.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('refuses a session revoked in the database, or of an institution deactivated there, within the bound', async () => {
    const first = await a.as(['LEAD_FINANCE'], a.lead);
    const session = await signIn(first.username);
    expect((await session.get('/api/v1/auth/me')).status).toBe(200);
    await api.dataSource.query(
      'UPDATE auth_session s JOIN app_user u ON u.id = s.user_id SET s.revoked_at = CURRENT_TIMESTAMP(3) WHERE u.username = ? AND s.revoked_at IS NULL',
      [first.username],
    );
    expect(await msUntilRefused(session, TTL_MS + 1000)).toBeLessThanOrEqual(TTL_MS + 250);

    const clerk = await a.as(['MEMBER_CLERK'], a.townships[0]);
    const member = await signIn(clerk.username);
    expect((await member.get('/api/v1/auth/me')).status).toBe(200);
    await api.dataSource.query('UPDATE institution SET active = 0 WHERE code = ?', [a.townships[0]]);
    try {
      expect(await msUntilRefused(member, TTL_MS + 1000)).toBeLessThanOrEqual(TTL_MS + 250);
    } finally {
      await api.dataSource.query('UPDATE institution SET active = 1 WHERE code = ?', [a.townships[0]]);
    }
  });

  it('asks the database on every request when the bound is 0', async () => {
    const strict = await startApi({ AUTH_CACHE_TTL_MS: '0' });
    try {
      const user = await a.as(['MEMBER_CLERK'], a.lead);
      const session = await signIn(user.username, strict);
      expect((await session.get('/api/v1/auth/me')).status).toBe(200);
      await strict.dataSource.query(
        'UPDATE auth_session s JOIN app_user u ON u.id = s.user_id SET s.revoked_at = CURRENT_TIMESTAMP(3) WHERE u.username = ? AND s.revoked_at IS NULL',
        [user.username],
      );
      expect((await session.get('/api/v1/auth/me')).status).toBe(401);
    } finally {
      await strict.close();
    }
  });

  it('refuses a wrong secret for a remembered API token', async () => {
    const created = await a.admin.post('/api/v1/api-tokens', { name: 'HIS', institutionCode: a.townships[0], roles: ['MEMBER_CLERK'] });
    expect(created.status).toBe(201);
    expect((await new ApiClient(api.baseUrl, created.body.token).get('/api/v1/auth/me')).status).toBe(200);
    const forged = created.body.token.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A'));
    expect((await http(api.baseUrl, 'GET', '/api/v1/auth/me', undefined, { authorization: `Bearer ${forged}` })).status).toBe(401);
  });
});
