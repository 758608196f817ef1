import { createCommunityFixture, CommunityFixture, TEST_PASSWORD } from '../support/registry-fixtures';
import { ApiClient, http, RunningApi, startApi } from '../support/test-app';

/** The cookie a Set-Cookie header stores, split into its value and its attributes. */
function parseSetCookie(header: string | null): { name: string; value: string; attributes: string[] } {
  if (!header) throw new Error('no Set-Cookie header');
  const [pair, ...attributes] = header.split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

describe('browser sessions: the refresh token as an HttpOnly cookie for the refresh route only', () => {
  let api: RunningApi;
  let a: CommunityFixture;
  let username: string;

  beforeAll(async () => {
    api = await startApi({ REFRESH_TOKEN_TTL_SECONDS: '86400' });
    a = await createCommunityFixture(api, 1);
    username = (await a.as(['MEMBER_CLERK'], a.townships[0])).username;
  });
  afterAll(async () => api?.close());

  const browserLogin = () => http(api.baseUrl, 'POST', '/api/v1/auth/login', { username, password: TEST_PASSWORD, session: 'cookie' });
  const refreshWithCookie = (cookie: string) => http(api.baseUrl, 'POST', '/api/v1/auth/refresh', {}, { cookie });

  it('a browser sign-in sets the cookie (HttpOnly, Secure, SameSite=Strict, refresh path, session lifetime) and keeps the token out of the body', async () => {
    const login = await browserLogin();
    expect(login.status).toBe(200);
    expect(Object.keys(login.body).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType']);
    const cookie = parseSetCookie(login.headers.get('set-cookie'));
    expect(cookie.name).toBe('cbm_refresh');
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes.sort()).toEqual(['HttpOnly', 'Max-Age=86400', 'Path=/api/v1/auth/refresh', 'SameSite=Strict', 'Secure']);
    expect((await new ApiClient(api.baseUrl, login.body.accessToken).get('/api/v1/auth/me')).body).toMatchObject({ name: username });
  });

  it('refresh reads the cookie when the body has no token, rotates it, and the old cookie stops working (and is cleared)', async () => {
    const first = parseSetCookie((await browserLogin()).headers.get('set-cookie'));
    const refreshed = await refreshWithCookie(`other=1; cbm_refresh=${first.value}`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).toBeUndefined();
    expect((await new ApiClient(api.baseUrl, refreshed.body.accessToken).get('/api/v1/auth/me')).status).toBe(200);
    const second = parseSetCookie(refreshed.headers.get('set-cookie'));
    expect(second.value).not.toBe(first.value);
    expect(second.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/api/v1/auth/refresh']));

    const replay = await refreshWithCookie(`cbm_refresh=${first.value}`);
    expect(replay.status).toBe(401);
    const cleared = parseSetCookie(replay.headers.get('set-cookie'));
    expect(cleared).toMatchObject({ name: 'cbm_refresh', value: '' });
    expect(cleared.attributes).toContain('Max-Age=0');
    expect((await refreshWithCookie(`cbm_refresh=${second.value}`)).status).toBe(200);
  });

  it('logout ends the session: the access token and the refresh cookie stop working, and the cookie is cleared', async () => {
    const login = await browserLogin();
    const cookie = parseSetCookie(login.headers.get('set-cookie'));
    const session = new ApiClient(api.baseUrl, login.body.accessToken);
    const logout = await session.post('/api/v1/auth/logout');
    expect(logout.status).toBe(204);
    const cleared = parseSetCookie(logout.headers.get('set-cookie'));
    expect(cleared.value).toBe('');
    expect(cleared.attributes.sort()).toEqual(['HttpOnly', 'Max-Age=0', 'Path=/api/v1/auth/refresh', 'SameSite=Strict', 'Secure']);
    expect((await session.get('/api/v1/auth/me')).status).toBe(401);
    expect((await refreshWithCookie(`cbm_refresh=${cookie.value}`)).status).toBe(401);
  });

  it('API clients keep the JSON flow: no cookie is set, the body token wins over a cookie, and no token at all is a 400 naming the field', async () => {
    const login = await http(api.baseUrl, 'POST', '/api/v1/auth/login', { username, password: TEST_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toBeNull();
    expect(login.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const refreshed = await http(
      api.baseUrl,
      'POST',
      '/api/v1/auth/refresh',
      { refreshToken: login.body.refreshToken },
      { cookie: 'cbm_refresh=not-a-live-token-at-all-xxxxxxxx' },
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(refreshed.headers.get('set-cookie')).toBeNull();

    const none = await http(api.baseUrl, 'POST', '/api/v1/auth/refresh', {});
    expect(none.status).toBe(400);
    expect(none.body.details).toEqual([expect.objectContaining({ field: 'refreshToken', rule: 'isDefined' })]);
    const badFlag = await http(api.baseUrl, 'POST', '/api/v1/auth/login', { username, password: TEST_PASSWORD, session: 'jar' });
    expect(badFlag.status).toBe(400);
    expect(badFlag.body.details).toEqual([expect.objectContaining({ field: 'session' })]);
  });
});
