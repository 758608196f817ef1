import { clearedRefreshCookie, refreshCookie, refreshTokenFromCookies } from './refresh-cookie';

describe('the refresh cookie', () => {
  it('is HttpOnly, Secure, SameSite=Strict and sent only to the refresh route', () => {
    expect(refreshCookie('abc_DEF-123', 2_592_000)).toBe(
      'cbm_refresh=abc_DEF-123; Path=/api/v1/auth/refresh; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict',
    );
    expect(clearedRefreshCookie()).toBe('cbm_refresh=; Path=/api/v1/auth/refresh; Max-Age=0; HttpOnly; Secure; SameSite=Strict');
  });

  it('is read from a Cookie header among other cookies, and only by its exact name', () => {
    expect(refreshTokenFromCookies('a=1; cbm_refresh=tok123; b=2')).toBe('tok123');
    expect(refreshTokenFromCookies('cbm_refresh=tok123')).toBe('tok123');
    expect(refreshTokenFromCookies('xcbm_refresh=tok123; cbm_refresh_old=x')).toBeUndefined();
    expect(refreshTokenFromCookies('cbm_refresh=')).toBeUndefined();
    expect(refreshTokenFromCookies('')).toBeUndefined();
    expect(refreshTokenFromCookies(undefined)).toBeUndefined();
  });
});
