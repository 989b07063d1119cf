import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import * as auth from '../api/auth';
import { setCsrfToken } from '../api/http';
import { setLanguage } from '../i18n';

type State =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'signed-in'; user: auth.SessionUser }
  | { status: 'failed'; message: string };

interface Session {
  state: State;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** Who is signed in, from the server's session cookie (never from local storage). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });

  const signedIn = useCallback(async (r: { user: auth.SessionUser; csrfToken?: string }) => {
    setCsrfToken(r.csrfToken);
    if (r.user.language) await setLanguage(r.user.language);
    setState({ status: 'signed-in', user: r.user });
  }, []);

  useEffect(() => {
    auth
      .fetchMe()
      .then((r) => (r ? signedIn(r) : setState({ status: 'anonymous' })))
      .catch((err: unknown) => setState({ status: 'failed', message: String(err) }));
  }, [signedIn]);

  const value = useMemo<Session>(
    () => ({
      state,
      login: async (username, password) => signedIn(await auth.login(username, password)),
      logout: async () => {
        await auth.logout();
        setCsrfToken(undefined);
        setState({ status: 'anonymous' });
      },
    }),
    [state, signedIn],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user; only for components under the signed-in layout. */
export function useUser(): auth.SessionUser {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return state.user;
}
