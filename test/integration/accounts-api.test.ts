import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts, DEFAULT_ACCOUNTS_OPTIONS } from '../../src/accounts/accounts.js';
import type { App } from '../../src/app.js';
import { buildServer } from '../../src/http/server.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { seedUser, signIn, TEST_PASSWORD } from '../support/accounts.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';

/**
 * Sign-in, sessions, CSRF, the login rate limit, password changes, users and API keys, through
 * the real Fastify over real Postgres (issue #11).
 */
describe('accounts API (real Postgres)', () => {
  let t: TestDb;
  let app: App;
  let server: ReturnType<typeof buildServer>;
  let campaignId = 0;

  beforeAll(async () => {
    t = await createTestDb();
    app = engineTestApp(t, 'accounts', { driver: () => new FakePbxDriver() }).app;
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'acc', name: 'Accounts', purpose: 'survey' })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
    await seedUser(app.accounts, 'root', 'admin');
    await seedUser(app.accounts, 'sue', 'supervisor', ['acc']);
    server = buildServer({
      logger: app.logger,
      registry: app.engines(),
      accounts: app.accounts,
      ready: () => Promise.resolve([]),
      webRoot: false,
    });
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await t?.drop();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    server.inject({ method: 'GET', url, headers });
  const audit = (action: string) =>
    t
      .db('audit_log')
      .where({ action })
      .orderBy('id')
      .select<{ actor: string; entity_id: string }[]>('actor', 'entity_id');

  it('signs in with an HttpOnly, SameSite=Strict cookie and answers who it is, never cached', async () => {
    const r = await server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'sue', password: TEST_PASSWORD },
    });
    expect(r.statusCode, r.body).toBe(200);
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/^dialer_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // the lab config: plain loopback HTTP
    const body = r.json<{ actor: string; role: string; campaigns: number[]; csrfToken: string }>();
    expect(body).toMatchObject({
      kind: 'user',
      actor: 'user:sue',
      role: 'supervisor',
      campaigns: [campaignId],
    });
    const me = await get('/api/session', { cookie: cookie.split(';')[0] ?? '' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ actor: 'user:sue', csrfToken: body.csrfToken });
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.headers['x-content-type-options']).toBe('nosniff');
    expect(me.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect((await audit('session.login')).map((a) => a.actor)).toContain('user:sue');
  });

  it('marks the cookie Secure outside the lab', async () => {
    const secure = buildServer({
      logger: app.logger,
      registry: app.engines(),
      accounts: new Accounts(t.db, { ...DEFAULT_ACCOUNTS_OPTIONS, secureCookies: true }),
      ready: () => Promise.resolve([]),
      webRoot: false,
    });
    const r = await secure.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'sue', password: TEST_PASSWORD },
    });
    expect(String(r.headers['set-cookie'])).toMatch(/; Secure/);
    expect(r.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    await secure.close();
  });

  it('ends a session left idle, and one past its absolute lifetime, server-side', async () => {
    const short = (idleMs: number, absoluteMs: number) =>
      buildServer({
        logger: app.logger,
        registry: app.engines(),
        accounts: new Accounts(t.db, {
          ...DEFAULT_ACCOUNTS_OPTIONS,
          secureCookies: false,
          idleMs,
          absoluteMs,
        }),
        ready: () => Promise.resolve([]),
        webRoot: false,
      });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const idle = short(300, 60_000);
    const a = await signIn(idle, 'sue');
    expect((await idle.inject({ url: '/api/session', headers: { cookie: a.cookie } })).statusCode).toBe(200);
    await sleep(400);
    expect((await idle.inject({ url: '/api/session', headers: { cookie: a.cookie } })).statusCode).toBe(401);
    const old = short(60_000, 300);
    const b = await signIn(old, 'sue');
    await sleep(400);
    expect((await old.inject({ url: '/api/session', headers: { cookie: b.cookie } })).statusCode).toBe(401);
    const reasons = await t
      .db('user_sessions')
      .whereIn('end_reason', ['idle', 'expired'])
      .orderBy('id')
      .pluck<string[]>('end_reason');
    expect(reasons).toEqual(['idle', 'expired']);
    await idle.close();
    await old.close();
  });

  it('refuses a wrong password with the same answer as an unknown user, and audits both', async () => {
    const wrong = await server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'sue', password: 'nope' },
    });
    const unknown = await server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'nobody', password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect((await audit('session.login-failed')).map((a) => a.entity_id)).toEqual(['sue', 'nobody']);
  });

  it('needs the CSRF token on every state-changing cookie request; API keys need none', async () => {
    const s = await signIn(server, 'sue');
    const put = (headers: Record<string, string>) =>
      server.inject({ method: 'PUT', url: '/api/session/locale', headers, payload: { locale: 'zh-CN' } });
    const without = await put({ cookie: s.cookie });
    expect(without.statusCode).toBe(403);
    expect(without.json<{ error: string }>().error).toMatch(/CSRF/);
    expect((await put({ cookie: s.cookie, 'x-csrf-token': 'forged' })).statusCode).toBe(403);
    expect((await put(s.headers)).statusCode).toBe(204);
    expect(await t.db('agents').where({ username: 'sue' }).first('locale')).toEqual({ locale: 'zh-CN' });
    const admin = await signIn(server, 'root');
    const key = await server.inject({
      method: 'POST',
      url: '/api/keys',
      headers: admin.headers,
      payload: { name: 'sue-script', owner: 'sue' },
    });
    expect(key.statusCode, key.body).toBe(201);
    const secret = key.json<{ key: string; role: string }>();
    expect(secret.role).toBe('supervisor');
    const viaKey = await server.inject({
      method: 'PUT',
      url: '/api/session/locale',
      headers: { authorization: `Bearer ${secret.key}` },
      payload: { locale: 'en' },
    });
    expect(viaKey.statusCode).toBe(400); // passed the door without CSRF; a key has no account language
    expect(viaKey.json<{ error: string }>().error).toMatch(/API key has no account language/);
  });

  it('allows 10 sign-in tries a minute per username and address, then 429 with {error}', async () => {
    await seedUser(app.accounts, 'tom', 'qa');
    const attempt = (username: string) =>
      server.inject({ method: 'POST', url: '/api/session', payload: { username, password: 'guess' } });
    for (let i = 0; i < 10; i++) expect((await attempt('tom')).statusCode).toBe(401);
    const limited = await attempt('tom');
    expect(limited.statusCode).toBe(429);
    expect(limited.json<{ error: string }>().error).toMatch(/too many sign-in attempts for tom/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits; another username from the same address does not.
    const right = await server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'tom', password: TEST_PASSWORD },
    });
    expect(right.statusCode).toBe(429);
    expect((await attempt('someone-else')).statusCode).toBe(401);
  });

  it('refuses a deactivated user at once: open sessions and owned keys stop, sign-in is refused', async () => {
    await seedUser(app.accounts, 'dora', 'agent', ['acc']);
    const s = await signIn(server, 'dora');
    const { key } = await app.accounts.keys.add({ name: 'dora-phone', owner: 'dora' }, 'test');
    expect((await get('/api/session', { cookie: s.cookie })).statusCode).toBe(200);
    expect((await get('/api/session', { authorization: `Bearer ${key}` })).statusCode).toBe(200);
    const admin = await signIn(server, 'root');
    const off = await server.inject({
      method: 'POST',
      url: '/api/users/dora/deactivate',
      headers: admin.headers,
    });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ username: 'dora', active: false });
    expect((await get('/api/session', { cookie: s.cookie })).statusCode).toBe(401);
    expect((await get('/api/session', { authorization: `Bearer ${key}` })).statusCode).toBe(401);
    const again = await server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'dora', password: TEST_PASSWORD },
    });
    expect(again.statusCode).toBe(403);
    expect(again.json()).toEqual({ error: 'this account is deactivated' });
    expect(await audit('user.deactivate')).toEqual([{ actor: 'user:root', entity_id: 'dora' }]);
    const self = await server.inject({
      method: 'POST',
      url: '/api/users/root/deactivate',
      headers: admin.headers,
    });
    expect(self.statusCode).toBe(409);
  });

  it('refuses a revoked key on its very next request, and lists keys without their secret', async () => {
    const admin = await signIn(server, 'root');
    const made = await server.inject({
      method: 'POST',
      url: '/api/keys',
      headers: admin.headers,
      payload: { name: 'crm', role: 'admin' },
    });
    const { key } = made.json<{ key: string }>();
    expect((await get('/api/users', { authorization: `Bearer ${key}` })).statusCode).toBe(200);
    const revoke = await server.inject({ method: 'DELETE', url: '/api/keys/crm', headers: admin.headers });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json<{ revokedAt: string | null }>().revokedAt).not.toBeNull();
    expect((await get('/api/users', { authorization: `Bearer ${key}` })).statusCode).toBe(401);
    const list = await get('/api/keys', { cookie: admin.cookie });
    expect(JSON.stringify(list.json())).not.toContain(key);
    expect(await audit('apikey.add')).toContainEqual({ actor: 'user:root', entity_id: 'crm' });
    expect(await audit('apikey.revoke')).toEqual([{ actor: 'user:root', entity_id: 'crm' }]);
    const expired = await app.accounts.keys.add(
      { name: 'old', role: 'qa', expiresAt: new Date(Date.now() + 50) },
      't',
    );
    await new Promise((r) => setTimeout(r, 80));
    expect((await get('/api/session', { authorization: `Bearer ${expired.key}` })).statusCode).toBe(401);
  });

  it('changes the own password (other sessions end) and lets an admin reset one', async () => {
    await seedUser(app.accounts, 'pat', 'teamlead');
    const a = await signIn(server, 'pat');
    const b = await signIn(server, 'pat');
    const change = (payload: object) =>
      server.inject({ method: 'PUT', url: '/api/session/password', headers: a.headers, payload });
    expect((await change({ currentPassword: 'wrong', newPassword: 'another long one' })).statusCode).toBe(
      403,
    );
    const short = await change({ currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json<{ error: string }>().error).toMatch(/^password: at least 10/);
    expect(
      (await change({ currentPassword: TEST_PASSWORD, newPassword: 'another long one' })).statusCode,
    ).toBe(204);
    expect((await get('/api/session', { cookie: a.cookie })).statusCode).toBe(200);
    expect((await get('/api/session', { cookie: b.cookie })).statusCode).toBe(401);
    await signIn(server, 'pat', 'another long one');
    const admin = await signIn(server, 'root');
    const reset = await server.inject({
      method: 'POST',
      url: '/api/users/pat/password',
      headers: admin.headers,
      payload: { password: 'reset by the admin' },
    });
    expect(reset.statusCode).toBe(204);
    expect((await get('/api/session', { cookie: a.cookie })).statusCode).toBe(401);
    await signIn(server, 'pat', 'reset by the admin');
    expect(await audit('user.password-change')).toEqual([{ actor: 'user:pat', entity_id: 'pat' }]);
    expect(await audit('user.password-reset')).toEqual([{ actor: 'user:root', entity_id: 'pat' }]);
  });

  it('signs out server-side: the old cookie is refused afterwards', async () => {
    const s = await signIn(server, 'sue');
    const out = await server.inject({ method: 'DELETE', url: '/api/session', headers: s.headers });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/dialer_session=;/);
    expect((await get('/api/session', { cookie: s.cookie })).statusCode).toBe(401);
    expect((await audit('session.logout')).map((a) => a.actor)).toContain('user:sue');
  });

  it('manages users and campaign assignments as web/src/api/admin.ts calls them (admins only)', async () => {
    const admin = await signIn(server, 'root');
    const sup = await signIn(server, 'sue');
    const create = (headers: Record<string, string>) =>
      server.inject({
        method: 'POST',
        url: '/api/users',
        headers,
        payload: {
          username: 'quinn',
          displayName: 'Quinn QA',
          role: 'qa',
          password: 'a fine password',
          locale: 'zh-CN',
        },
      });
    expect((await create(sup.headers)).statusCode).toBe(403);
    const made = await create(admin.headers);
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({
      username: 'quinn',
      displayName: 'Quinn QA',
      role: 'qa',
      active: true,
      locale: 'zh-CN',
      campaigns: [],
      deactivatedAt: null,
    });
    expect((await create(admin.headers)).statusCode).toBe(409);
    const assigned = await server.inject({
      method: 'PUT',
      url: '/api/users/quinn/campaigns/acc',
      headers: admin.headers,
    });
    expect(assigned.json()).toMatchObject({ campaigns: ['acc'] });
    const gone = await server.inject({
      method: 'DELETE',
      url: '/api/users/quinn/campaigns/acc',
      headers: admin.headers,
    });
    expect(gone.json()).toMatchObject({ campaigns: [] });
    const list = await get('/api/users', { cookie: admin.cookie });
    expect(list.json<{ username: string }[]>().map((u) => u.username)).toContain('quinn');
    expect(list.body).not.toMatch(/scrypt|password/);
    expect((await get('/api/users', { cookie: sup.cookie })).statusCode).toBe(403);
    expect((await audit('user.create')).at(-1)).toEqual({ actor: 'user:root', entity_id: 'quinn' });
    expect((await audit('user.assign')).at(-1)).toEqual({ actor: 'user:root', entity_id: 'quinn' });
    expect((await audit('user.unassign')).at(-1)).toEqual({ actor: 'user:root', entity_id: 'quinn' });
  });
});
