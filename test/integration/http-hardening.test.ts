import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildServer } from '../../src/http/server.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { seedUser, signIn, type TestSession } from '../support/accounts.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';

/** The black-box probe's HTTP findings (issue #11), each against the real server over Postgres. */
describe('HTTP hardening (real Postgres)', () => {
  let t: TestDb;
  let app: App;
  let server: ReturnType<typeof buildServer>;
  let admin: TestSession;

  beforeAll(async () => {
    t = await createTestDb();
    app = engineTestApp(t, 'hardening', { driver: () => new FakePbxDriver() }).app;
    await seedUser(app.accounts, 'root', 'admin');
    await seedUser(app.accounts, 'al', 'agent');
    server = buildServer({
      logger: app.logger,
      registry: app.engines(),
      accounts: app.accounts,
      refusals: app.refusals,
      ready: () => Promise.resolve([]),
      webRoot: false,
    });
    admin = await signIn(server, 'root');
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await t?.drop();
  });

  it('judges a percent-encoded path like the plain one: 401 at the door, not 403 from a handler', async () => {
    for (const url of [
      '/%61pi/agents/al/logout',
      '/api/%61gents/al/logout',
      '/%41PI/users',
      '/%61pi/users',
    ]) {
      const r = await server.inject({ method: 'POST', url });
      expect(r.statusCode, url).toBe(401);
      expect(r.json<{ error: string }>().error, url).toMatch(/sign in or send an API key/);
    }
    const get = await server.inject({ method: 'GET', url: '/%61pi/users' });
    expect(get.statusCode).toBe(401);
    const bad = await server.inject({ method: 'GET', url: '/%E0%A4%A/users' });
    expect(bad.statusCode).toBe(400);
    // Signed in as an agent, the encoded path reaches the same rule as the plain one.
    const al = await signIn(server, 'al');
    const asAgent = await server.inject({ method: 'GET', url: '/%61pi/users', headers: al.headers });
    expect(asAgent.statusCode).toBe(403);
  });

  it('answers 400 for a campaign id beyond bigint and 404 for one within it (not 500)', async () => {
    const doctor = (id: string) =>
      server.inject({ method: 'GET', url: `/api/campaigns/${id}/doctor`, headers: admin.headers });
    const huge = await doctor('99999999999999999999');
    expect(huge.statusCode).toBe(400);
    expect(huge.json<{ error: string }>().error).toBe('id (path): campaign id out of range');
    expect((await doctor('9223372036854775807')).statusCode).toBe(404);
    const live = await server.inject({
      method: 'GET',
      url: '/api/campaigns/99999999999999999999/live',
      headers: admin.headers,
    });
    expect(live.statusCode).toBe(400);
    const login = await server.inject({
      method: 'POST',
      url: '/api/agents/al/login',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      payload: '{"campaignId": 99999999999999999999}',
      // a raw body: JSON.stringify could not write the number
    });
    expect(login.statusCode).toBe(400);
  });

  it('answers 404, 405, 413 and bad JSON with an {error} body, and never lets /api be cached', async () => {
    const missing = await server.inject({ method: 'GET', url: '/api/nothing-here', headers: admin.headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'no route GET /api/nothing-here' });
    expect(missing.headers['cache-control']).toBe('no-store');
    const outside = await server.inject({ method: 'GET', url: '/nothing-here' });
    expect(outside.json()).toEqual({ error: 'no route GET /nothing-here' });
    const wrongMethod = await server.inject({ method: 'PATCH', url: '/api/users', headers: admin.headers });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers['allow']).toBe('GET, POST, HEAD');
    expect(wrongMethod.json()).toEqual({
      error: 'PATCH is not allowed on /api/users (allowed: GET, POST, HEAD)',
    });
    const big = await server.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x', role: 'qa', displayName: 'y'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(Object.keys(big.json<object>())).toEqual(['error']);
    const badJson = await server.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(Object.keys(badJson.json<object>())).toEqual(['error']);
    const stranger = await server.inject({ method: 'GET', url: '/api/users' });
    expect(stranger.statusCode).toBe(401);
    expect(stranger.headers['cache-control']).toBe('no-store');
  });

  it('labels query and path errors with their part, never "(body)"', async () => {
    const q = await server.inject({
      method: 'GET',
      url: '/api/refusals?phone=%2B15555550100&bogus=1',
      headers: admin.headers,
    });
    expect(q.statusCode).toBe(400);
    expect(q.json<{ error: string }>().error).toMatch(/^\(query\): Unrecognized key: "bogus"/);
    const phone = await server.inject({
      method: 'GET',
      url: '/api/refusals?phone=555',
      headers: admin.headers,
    });
    expect(phone.json<{ error: string }>().error).toBe('phone (query): an E.164 number like +15555550100');
    const body = await server.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { role: 'qa' },
    });
    expect(body.json<{ error: string }>().error).toMatch(/^username: /);
  });

  it('sends the security headers (helmet) on every answer', async () => {
    const r = await server.inject({ method: 'GET', url: '/health' });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(String(r.headers['content-security-policy'])).not.toMatch(/upgrade-insecure-requests/);
    expect(r.headers['cache-control']).toBeUndefined();
  });
});
