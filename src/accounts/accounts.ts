import type { Knex } from 'knex';
import type { Principal } from '../http/principal.js';
import { ApiKeyStore } from '../store/accounts/api-keys.js';
import { AssignmentStore } from '../store/accounts/assignments.js';
import { SessionStore, type SessionOptions } from '../store/accounts/sessions.js';
import { UserStore } from '../store/accounts/users.js';
import { LoginLimiter } from './login-limiter.js';

export const SESSION_COOKIE = 'dialer_session';

export interface AccountsOptions extends SessionOptions {
  /** Cookies carry `Secure` (only sent over HTTPS); off only in the lab on plain loopback HTTP. */
  secureCookies: boolean;
  /** Sign-in tries per username and address per minute [10]. */
  loginTriesPerMinute: number;
}

export const DEFAULT_ACCOUNTS_OPTIONS: AccountsOptions = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
  secureCookies: true,
  loginTriesPerMinute: 10,
};

/** People, their campaigns, sessions and API keys: what the HTTP API authenticates against. */
export class Accounts {
  readonly users: UserStore;
  readonly assignments: AssignmentStore;
  readonly sessions: SessionStore;
  readonly keys: ApiKeyStore;
  readonly limiter: LoginLimiter;

  constructor(
    readonly db: Knex,
    readonly options: AccountsOptions = DEFAULT_ACCOUNTS_OPTIONS,
  ) {
    this.users = new UserStore(db);
    this.assignments = new AssignmentStore(db);
    this.sessions = new SessionStore(db, options);
    this.keys = new ApiKeyStore(db);
    this.limiter = new LoginLimiter({
      max: options.loginTriesPerMinute,
      perAddress: options.loginTriesPerMinute * 10,
      windowMs: 60_000,
    });
  }

  /**
   * Who a request is from: an API key (`Authorization: Bearer …`, which browsers never send by
   * themselves, so it needs no CSRF token) or else the session cookie.
   */
  async authenticate(req: {
    headers: { authorization?: string };
    cookies?: Record<string, string | undefined>;
  }): Promise<Principal | undefined> {
    const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (key) return this.keys.resolve(key);
    const token = req.cookies?.[SESSION_COOKIE];
    return token ? this.sessions.resolve(token) : undefined;
  }
}
