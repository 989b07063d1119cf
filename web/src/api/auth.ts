import { isLanguage, type Language } from '../i18n';
import { isRole, type Role } from '../auth/roles';
import { api, ApiError } from './http';

export interface SessionUser {
  username: string;
  /** `user:alice`: how the audit log names this person. */
  actor: string;
  role: Role;
  /** The account's own language setting. */
  language: Language | undefined;
  campaigns: number[];
}

/** GET/POST /api/session's answer (the accounts API's `Me`). */
interface MeBody {
  kind: 'user' | 'key';
  actor: string;
  username: string | null;
  role: string;
  locale: string;
  campaigns: number[];
  csrfToken?: string;
}

function toUser(body: MeBody): SessionUser {
  if (!isRole(body.role)) throw new ApiError(500, `unknown role ${body.role}`);
  return {
    username: body.username ?? body.actor,
    actor: body.actor,
    role: body.role,
    language: isLanguage(body.locale) ? body.locale : undefined,
    campaigns: body.campaigns,
  };
}

/** The signed-in user, or undefined when the session cookie is missing or expired. */
export async function fetchMe(): Promise<{ user: SessionUser; csrfToken?: string } | undefined> {
  try {
    const body = await api<MeBody>('GET', '/api/session');
    return { user: toUser(body), csrfToken: body.csrfToken };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return undefined;
    throw err;
  }
}

export async function login(
  username: string,
  password: string,
): Promise<{ user: SessionUser; csrfToken?: string }> {
  const body = await api<MeBody>('POST', '/api/session', { username, password });
  return { user: toUser(body), csrfToken: body.csrfToken };
}

export async function logout(): Promise<void> {
  await api<unknown>('DELETE', '/api/session');
}

/** Saves the signed-in user's language on their account (so it follows them to any browser). */
export async function saveLanguage(locale: Language): Promise<void> {
  await api<unknown>('PUT', '/api/session/locale', { locale });
}
