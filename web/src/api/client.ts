import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type ApiError = Schemas['ApiErrorResponse'];

/**
 * The signed-in session's access token, kept in memory only (never in storage): a reload
 * restores it from the HttpOnly refresh cookie, which page scripts cannot read.
 */
let accessToken: string | null = null;
let onExpired: () => void = () => undefined;
let refreshing: Promise<boolean> | null = null;

export function setAccessToken(token: string | null): void {
  accessToken = token;
}
export function onSessionExpired(listener: () => void): void {
  onExpired = listener;
}

/** Exchanges the refresh cookie for a new access token (one request however many callers ask at once). */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        credentials: 'same-origin',
      });
      if (!res.ok) return false;
      const body = (await res.json()) as Schemas['TokenPairResponse'];
      accessToken = body.accessToken;
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

const bearer: Middleware = {
  onRequest({ request }) {
    if (accessToken) request.headers.set('authorization', `Bearer ${accessToken}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(bearer);

/**
 * Calls the API; an expired access token is refreshed once and the call repeated, and a session
 * that cannot be refreshed sends the user back to sign-in.
 */
export async function call<T>(request: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result = await request();
  if (result.response.status === 401 && (await refreshSession())) result = await request();
  if (result.response.status === 401) onExpired();
  if (!result.response.ok) throw new ApiCallError(result.response.status, result.error as ApiError);
  // A 204 answer has no body: its callers expect nothing.
  return result.data as T;
}

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | undefined,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

/** Multipart upload through the same session (openapi-fetch does not stream files). */
export async function uploadFile(path: string, file: File): Promise<{ status: number; body: unknown }> {
  const send = () => {
    const form = new FormData();
    form.append('file', file, file.name);
    return fetch(path, { method: 'POST', body: form, headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} });
  };
  let res = await send();
  if (res.status === 401 && (await refreshSession())) res = await send();
  if (res.status === 401) onExpired();
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Downloads a file the API sends (an XLSX export) through the same session, saved under `name`. */
export async function downloadFile(path: string, name: string): Promise<void> {
  const send = () => fetch(path, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} });
  let res = await send();
  if (res.status === 401 && (await refreshSession())) res = await send();
  if (res.status === 401) onExpired();
  if (!res.ok) throw new ApiCallError(res.status, (await res.json().catch(() => undefined)) as ApiError | undefined);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
