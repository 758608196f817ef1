/**
 * The browser's refresh token: an HttpOnly cookie that only the refresh route receives, so
 * that page scripts never hold it and no other request carries it. API clients keep the
 * refresh token in the JSON body instead.
 */
export const REFRESH_COOKIE = 'cbm_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth/refresh';

/** The Set-Cookie value that stores `token` for `maxAgeSeconds`. */
export function refreshCookie(token: string, maxAgeSeconds: number): string {
  return `${REFRESH_COOKIE}=${token}; Path=${REFRESH_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}

/** The Set-Cookie value that removes the cookie. */
export function clearedRefreshCookie(): string {
  return `${REFRESH_COOKIE}=; Path=${REFRESH_COOKIE_PATH}; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

/** The refresh token from a Cookie header, if the header carries one. */
export function refreshTokenFromCookies(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === REFRESH_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}
