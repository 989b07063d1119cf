import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SESSION_COOKIE, type Accounts } from '../../accounts/accounts.js';
import { verifyPassword } from '../../accounts/password.js';
import { writeAudit } from '../../store/audit.js';
import { LOCALES } from '../../store/accounts/users.js';
import { HttpError } from '../errors.js';
import type { Principal } from '../principal.js';
import { access, route, type AnyRoute } from '../route-spec.js';

/** GET/POST /api/session's answer: who is signed in (the console's `Me`). */
export interface Me {
  kind: 'user' | 'key';
  actor: string;
  username: string | null;
  role: string;
  locale: string;
  campaigns: number[];
  csrfToken?: string;
}

function me(p: Principal, csrfToken?: string): Me {
  return {
    kind: p.kind,
    actor: p.actor,
    username: p.username ?? null,
    role: p.role,
    locale: p.locale ?? 'en',
    campaigns: p.campaigns,
    ...(csrfToken ? { csrfToken } : {}),
  };
}

const loginBody = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) })
  .strict();
const WRONG = 'wrong username or password';

/** Signing in and out with a password, the session's language and the own password change. */
export function sessionRoutes(accounts: Accounts): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/session',
      summary: 'Sign in with username and password (sets the session cookie; answers the CSRF token)',
      access: access.public(),
      body: loginBody,
      handler: ({ req, reply, body }) => signIn(accounts, req, reply, body),
    }),
    route({
      method: 'GET',
      url: '/api/session',
      summary: 'Who is signed in (with the CSRF token of a cookie session)',
      access: access.signedIn(),
      handler: ({ principal }) => me(need(principal), principal?.session?.csrfToken),
    }),
    route({
      method: 'DELETE',
      url: '/api/session',
      summary: 'Sign out (ends the session server-side and clears the cookie)',
      access: access.signedIn(),
      handler: async ({ principal, reply }) => {
        const p = need(principal);
        if (p.session) {
          await accounts.sessions.end(p.session.id, 'signed out');
          await writeAudit(accounts.db, {
            actor: p.actor,
            action: 'session.logout',
            entity: 'user',
            entityId: p.username,
          });
        }
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send();
      },
    }),
    route({
      method: 'PUT',
      url: '/api/session/locale',
      summary: "Save the signed-in user's language",
      access: access.signedIn(),
      body: z.object({ locale: z.enum(LOCALES) }).strict(),
      handler: async ({ principal, body, reply }) => {
        const p = need(principal);
        if (p.userId === undefined) throw new HttpError(400, 'an API key has no account language');
        await accounts.users.setLocale(p.userId, body.locale);
        return reply.status(204).send();
      },
    }),
    route({
      method: 'PUT',
      url: '/api/session/password',
      summary: 'Change the own password (needs the current one); other sessions end',
      access: access.signedIn(),
      body: z.object({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024) }).strict(),
      handler: async ({ principal, body, reply }) => {
        const p = need(principal);
        if (p.kind !== 'user' || !p.username)
          throw new HttpError(400, 'sign in with a password to change it');
        const creds = await accounts.users.credentials(p.username);
        if (!creds || !(await verifyPassword(body.currentPassword, creds.password_hash))) {
          throw new HttpError(403, 'currentPassword: wrong password');
        }
        await accounts.users.setPassword(p.username, body.newPassword, p.actor, p.session?.id);
        return reply.status(204).send();
      },
    }),
  ];
}

async function signIn(
  accounts: Accounts,
  req: FastifyRequest,
  reply: FastifyReply,
  body: z.output<typeof loginBody>,
): Promise<Me> {
  const wait = accounts.limiter.attempt(body.username, req.ip, Date.now());
  if (wait > 0) {
    void reply.header('retry-after', String(wait));
    throw new HttpError(429, `too many sign-in attempts for ${body.username}: try again in ${wait} s`);
  }
  const creds = await accounts.users.credentials(body.username);
  const ok = await verifyPassword(body.password, creds?.password_hash ?? null);
  const fail = async (reason: string, message: string, status: 401 | 403) => {
    await writeAudit(accounts.db, {
      actor: 'anonymous',
      action: 'session.login-failed',
      entity: 'user',
      entityId: body.username,
      details: { reason, ip: req.ip },
    });
    return new HttpError(status, message);
  };
  if (!creds || !ok) throw await fail(creds ? 'wrong password' : 'no such user', WRONG, 401);
  if (!creds.active) throw await fail('deactivated', 'this account is deactivated', 403);
  const s = await accounts.sessions.create(creds.id, { ip: req.ip, userAgent: req.headers['user-agent'] });
  void reply.setCookie(SESSION_COOKIE, s.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: accounts.options.secureCookies,
    expires: s.expiresAt,
  });
  await writeAudit(accounts.db, {
    actor: `user:${creds.username}`,
    action: 'session.login',
    entity: 'user',
    entityId: creds.username,
    details: { ip: req.ip },
  });
  const p = await accounts.sessions.resolve(s.token);
  if (!p) throw new HttpError(500, 'the new session could not be read back');
  return me(p, s.csrfToken);
}

function need(p: Principal | undefined): Principal {
  if (!p) throw new HttpError(401, 'sign in first');
  return p;
}
