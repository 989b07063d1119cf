import { isLanguage, type Language } from '../i18n';
import { isRole, type Role } from '../auth/roles';
import { api, ApiError } from './http';

export interface SessionUser {
  username: string;
  displayName: string;
  role: Role;
  /** The user's own language setting, when the account has one. */
  language: Language | undefined;
}

interface MeBody {
  user: { username: string; displayName?: string | null; role: string; language?: string | null };
  csrfToken?: string;
}

function toUser(body: MeBody): SessionUser {
  const u = body.user;
  if (!isRole(u.role)) throw new ApiError(500, `unknown role ${u.role}`);
  return {
    username: u.username,
    displayName: u.displayName ?? u.username,
    role: u.role,
    language: isLanguage(u.language) ? u.language : undefined,
  };
}

/** The signed-in user, or undefined when the session cookie is missing or expired. */
export async function fetchMe(): Promise<{ user: SessionUser; csrfToken?: string } | undefined> {
  try {
    const body = await api<MeBody>('GET', '/api/auth/me');
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
  const body = await api<MeBody>('POST', '/api/auth/login', { username, password });
  return { user: toUser(body), csrfToken: body.csrfToken };
}

export async function logout(): Promise<void> {
  await api<unknown>('POST', '/api/auth/logout');
}
