import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiCallError, call, onSessionExpired, refreshSession, setAccessToken, type Schemas } from '../api/client';

export type Me = Schemas['WhoAmIResponse'];

type SessionState = { status: 'restoring' } | { status: 'signedOut'; expired: boolean } | { status: 'signedIn'; me: Me };

interface Session {
  state: SessionState;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

async function loadMe(): Promise<Me> {
  return call(() => api.GET('/api/v1/auth/me'));
}

/**
 * Sign-in for the browser: the refresh token lives in an HttpOnly cookie (session: "cookie"),
 * the access token only in memory. A reload restores the session from the cookie.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'restoring' });
  const queries = useQueryClient();

  useEffect(() => {
    onSessionExpired(() => {
      setAccessToken(null);
      queries.clear();
      setState({ status: 'signedOut', expired: true });
    });
    let cancelled = false;
    void (async () => {
      const restored = (await refreshSession()) ? await loadMe().catch(() => null) : null;
      if (!cancelled) setState(restored ? { status: 'signedIn', me: restored } : { status: 'signedOut', expired: false });
    })();
    return () => {
      cancelled = true;
    };
  }, [queries]);

  const signIn = useCallback(async (username: string, password: string) => {
    const res = await api.POST('/api/v1/auth/login', { body: { username, password, session: 'cookie' } });
    if (!res.data) throw new ApiCallError(res.response.status, res.error as never);
    setAccessToken(res.data.accessToken);
    setState({ status: 'signedIn', me: await loadMe() });
  }, []);

  const signOut = useCallback(async () => {
    // Through call(): an access token that expired while the page sat idle is refreshed first, so
    // the server still ends the session and clears the cookie.
    await call(() => api.POST('/api/v1/auth/logout')).catch(() => undefined);
    setAccessToken(null);
    queries.clear();
    setState({ status: 'signedOut', expired: false });
  }, [queries]);

  return <SessionContext.Provider value={{ state, signIn, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signedIn') throw new Error('not signed in');
  return state.me;
}
