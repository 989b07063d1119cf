import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Access } from '../../src/http/access.js';
import { ROLES, type Role } from '../../src/http/principal.js';
import { createRouter, type AnyRoute } from '../../src/http/route-spec.js';
import { adminApi } from '../../src/composition/admin-api.js';
import { buildServer } from '../../src/http/server.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { seedUser, signIn, type TestSession } from '../support/accounts.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';

/** Whom a cell of the matrix is about: the caller's own campaign/agent, or another's. */
type Relation = 'own' | 'other' | 'n/a';
type Caller = Role | 'anonymous';

/**
 * The authorisation matrix, generated from the route table the server registered: every route ×
 * every role (and nobody) × own/other campaign or agent where the rule has one, against the real
 * Fastify over real Postgres. Expected: 401 for nobody, 403 where the rule says no, and "passed
 * the door" (any status but 401/403) where it says yes. A route added without a rule cannot be
 * registered at all (last test).
 */
describe('authorisation matrix (every route × role × own/other)', () => {
  let t: TestDb;
  let app: App;
  let server: ReturnType<typeof buildServer>;
  const sessions = new Map<Role, TestSession>();
  const campaignIds: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestDb();
    app = engineTestApp(t, 'authz', { driver: () => new FakePbxDriver() }).app;
    for (const code of ['mine', 'yours']) {
      const [c] = await t
        .db('campaigns')
        .insert({ code, name: code, purpose: 'care', status: 'draft' })
        .returning<{ id: number }[]>('id');
      campaignIds[code] = c?.id ?? 0;
    }
    // Each role's person works campaign "mine"; agent "agentme" is on "mine", "agentyou" on "yours".
    for (const role of ROLES)
      await seedUser(app.accounts, `the-${role}`, role, role === 'admin' ? [] : ['mine']);
    await seedUser(app.accounts, 'agentme', 'agent', ['mine']);
    await seedUser(app.accounts, 'agentyou', 'agent', ['yours']);
    // What admin routes act on (deactivate, reset, assign): no one the other cells depend on.
    await seedUser(app.accounts, 'bystander', 'qa');
    const registry = app.engines();
    server = buildServer({
      logger: app.logger,
      registry,
      accounts: app.accounts,
      refusals: app.refusals,
      // The admin pages' routes (campaigns, lists, audit, DNC), as `dialer run` registers them.
      admin: adminApi(app, registry),
      ready: () => Promise.resolve([]),
      webRoot: false,
    });
    for (const role of ROLES) sessions.set(role, await signIn(server, `the-${role}`));
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await t?.drop();
  });

  /** The expected outcome of one cell, from the rule alone. */
  function expected(rule: Access, caller: Caller, rel: Relation): 'pass' | 401 | 403 {
    if (rule.kind === 'public') return 'pass';
    if (caller === 'anonymous') return 401;
    switch (rule.kind) {
      case 'signed-in':
        return 'pass';
      case 'roles':
        return rule.roles.includes(caller) ? 'pass' : 403;
      case 'campaign':
        if (!rule.roles.includes(caller)) return 403;
        return caller === 'admin' || rel === 'own' ? 'pass' : 403;
      case 'agent':
        // The agent caller is "the-agent": "own" paths name the-agent, "other" paths agentyou.
        if (caller === 'agent') return rel === 'own' ? 'pass' : 403;
        if (!rule.also.includes(caller)) return 403;
        return caller === 'admin' || rel === 'own' ? 'pass' : 403;
    }
  }

  /** The concrete URL of a route for a relation: own/other campaign or agent in its parameter. */
  function urlFor(r: AnyRoute, caller: Caller, rel: Relation): string {
    const agentOwn = caller === 'agent' ? 'the-agent' : 'agentme';
    return r.url.replace(/:(\w+)/g, (_m, name: string) => {
      if (r.access.kind === 'campaign' && name === r.access.param) {
        return String(campaignIds[rel === 'own' ? 'mine' : 'yours']);
      }
      if (r.access.kind === 'agent' && name === r.access.param) return rel === 'own' ? agentOwn : 'agentyou';
      if (name === 'username') return 'bystander';
      if (name === 'callId') return 'c0-l0-a0';
      if (name === 'campaign') return 'mine';
      if (name === 'name') return 'no-such-key';
      return '1';
    });
  }

  const cells = () => {
    const out: { r: AnyRoute; caller: Caller; rel: Relation }[] = [];
    for (const r of server.routeTable) {
      const rels: Relation[] =
        r.access.kind === 'campaign' || r.access.kind === 'agent' ? ['own', 'other'] : ['n/a'];
      for (const caller of ['anonymous', ...ROLES] as Caller[])
        for (const rel of rels) out.push({ r, caller, rel });
    }
    return out;
  };

  it('covers every route of the table and every role, with the expected status in each cell', async () => {
    const all = cells();
    const failures: string[] = [];
    for (const { r, caller, rel } of all) {
      // Sign-in would start a session (and count toward the rate limit): its door is public anyway.
      if (r.method === 'POST' && r.url === '/api/session') continue;
      if (r.method === 'DELETE' && r.url === '/api/session') continue;
      const session = caller === 'anonymous' ? undefined : sessions.get(caller);
      const url = urlFor(r, caller, rel);
      const res = await server.inject({
        method: r.method,
        url: r.url === '/api/agents/:username/offer' ? `${url}?wait=0` : url,
        headers: session?.headers ?? {},
        ...(r.method === 'GET' ? {} : { payload: {} }),
      });
      const want = expected(r.access, caller, rel);
      const got = res.statusCode;
      const ok = want === 'pass' ? got !== 401 && got !== 403 : got === want;
      if (!ok)
        failures.push(`${r.method} ${url} as ${caller} (${rel}): expected ${want}, got ${got} ${res.body}`);
    }
    expect(failures).toEqual([]);
    const routes = server.routeTable.length;
    // The matrix's size, for the closing note.
    console.log(`authz matrix: ${routes} routes, ${all.length} cells (${ROLES.length} roles + anonymous)`);
    expect(all.length).toBeGreaterThan(routes * ROLES.length);
  }, 120_000);

  it('signs out with any role (DELETE /api/session) and refuses it without a session', async () => {
    for (const role of ROLES) {
      const s = await signIn(server, `the-${role}`);
      const r = await server.inject({ method: 'DELETE', url: '/api/session', headers: s.headers });
      expect(r.statusCode, role).toBe(204);
    }
    expect((await server.inject({ method: 'DELETE', url: '/api/session' })).statusCode).toBe(401);
  });

  it('pins the policy itself: each route and its rule (a changed rule changes this snapshot)', () => {
    const rule = (a: Access): string => {
      if (a.kind === 'roles') return `roles ${a.roles.join(',')}`;
      if (a.kind === 'campaign') return `campaign(:${a.param}) ${a.roles.join(',')}`;
      if (a.kind === 'agent') return `agent(:${a.param}) self + ${a.also.join(',')}`;
      return a.kind;
    };
    expect(server.routeTable.map((r) => `${r.method} ${r.url} — ${rule(r.access)}`)).toMatchSnapshot();
  });

  it('every /api route of the table has a rule, and a route without one cannot be registered', () => {
    for (const r of server.routeTable) expect(r.access, `${r.method} ${r.url}`).toBeDefined();
    const bare = Fastify();
    createRouter(bare, {
      authenticate: () => Promise.resolve(undefined),
      campaignId: () => Promise.resolve(undefined),
      agentCampaigns: () => Promise.resolve([]),
    });
    expect(() => bare.get('/api/open-door', () => 'oops')).toThrow(/has no access rule/);
  });
});
