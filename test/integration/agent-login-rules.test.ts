import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildServer } from '../../src/http/server.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { seedUser, signIn, type TestSession } from '../support/accounts.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';

/**
 * Agent login rules (issue #11), through the API over real Postgres, the real engine registry
 * and the fake PBX: deactivated agents, unassigned and draft campaigns, one campaign at a time,
 * logout always works, and the audit names who acted (a supervisor for the agent).
 */
describe('agent login rules (real Postgres, engine registry)', () => {
  let t: TestDb;
  let app: App;
  let server: ReturnType<typeof buildServer>;
  const ids: Record<string, number> = {};
  let al: TestSession;
  let sue: TestSession;
  let otto: TestSession;
  let root: TestSession;

  beforeAll(async () => {
    t = await createTestDb();
    const made = engineTestApp(t, 'agent-login', { driver: () => new FakePbxDriver() });
    app = made.app;
    await made.pbx();
    for (const [code, status] of [
      ['one', 'active'],
      ['two', 'active'],
      ['drafty', 'draft'],
      ['theirs', 'active'],
    ] as const) {
      const [c] = await t
        .db('campaigns')
        .insert({ code, name: code, status, purpose: 'care', dial_mode: 'progressive' })
        .returning<{ id: number }[]>('id');
      ids[code] = c?.id ?? 0;
    }
    await seedUser(app.accounts, 'al', 'agent', ['one', 'two', 'drafty']);
    await seedUser(app.accounts, 'dora', 'agent', ['one']);
    await seedUser(app.accounts, 'sue', 'supervisor', ['one']);
    await seedUser(app.accounts, 'otto', 'supervisor', ['theirs']);
    await seedUser(app.accounts, 'root', 'admin');
    server = buildServer({
      logger: app.logger,
      registry: app.engines(),
      accounts: app.accounts,
      ready: () => Promise.resolve([]),
      webRoot: false,
    });
    // The fake PBX's softphones answer at agent/<n>.
    await t.db('agents').where({ username: 'al' }).update({ sip_endpoint: 'agent/1' });
    al = await signIn(server, 'al');
    sue = await signIn(server, 'sue');
    otto = await signIn(server, 'otto');
    root = await signIn(server, 'root');
    await app.accounts.users.setActive('dora', false, 'test');
  });
  afterAll(async () => {
    await app?.engines().stopAll(1_000);
    await server?.close();
    await app?.close();
    await t?.drop();
  });

  const post = (s: TestSession, url: string, payload?: object) =>
    server.inject({ method: 'POST', url, headers: s.headers, ...(payload ? { payload } : {}) });

  it('refuses a deactivated agent, even when an admin asks', async () => {
    const r = await post(root, '/api/agents/dora/login', { campaign: 'one' });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toEqual({ error: 'agent dora is deactivated' });
  });

  it('refuses a campaign the agent is not assigned to, and a draft (whose engine does not start)', async () => {
    const other = await post(al, '/api/agents/al/login', { campaign: 'theirs' });
    expect(other.statusCode).toBe(403);
    expect(other.json<{ error: string }>().error).toMatch(/not assigned to campaign theirs/);
    const draft = await post(al, '/api/agents/al/login', { campaignId: ids['drafty'] });
    expect(draft.statusCode).toBe(409);
    expect(draft.json<{ error: string }>().error).toMatch(/drafty \(\d+\) is draft/);
    expect(app.engines().get(ids['drafty'] ?? 0)).toBeUndefined();
  });

  it('logs in by code or id to one campaign at a time; a second is a 409 naming the first; logout always works', async () => {
    const first = await post(al, '/api/agents/al/login', { campaign: 'one' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ state: 'ready', campaignId: ids['one'] });
    const second = await post(al, '/api/agents/al/login', { campaignId: ids['two'] });
    expect(second.statusCode).toBe(409);
    expect(second.json<{ error: string }>().error).toBe(
      `agent al is logged in to campaign one (${ids['one']}): log out of it first`,
    );
    expect((await post(al, '/api/agents/al/logout')).statusCode).toBe(200);
    expect((await post(al, '/api/agents/al/logout')).statusCode).toBe(200); // already out: still fine
    const now = await post(al, '/api/agents/al/login', { campaignId: String(ids['two']) });
    expect(now.statusCode, now.body).toBe(200);
    expect((await post(al, '/api/agents/al/logout')).statusCode).toBe(200);
    const both = await post(al, '/api/agents/al/login', { campaign: 'one', campaignId: 1 });
    expect(both.statusCode).toBe(400);
  });

  it('lets a supervisor act for an agent of their campaign only, audited with the supervisor as actor', async () => {
    expect((await post(otto, '/api/agents/al/login', { campaign: 'one' })).statusCode).toBe(403);
    const r = await post(sue, '/api/agents/al/login', { campaign: 'one' });
    expect(r.statusCode, r.body).toBe(200);
    expect((await post(sue, '/api/agents/al/pause', { code: 'break' })).statusCode).toBe(200);
    expect((await post(sue, '/api/agents/al/logout')).statusCode).toBe(200);
    const rows = await t
      .db('audit_log')
      .where({ entity: 'agent', entity_id: 'al' })
      .orderBy('id')
      .select<{ actor: string; action: string; details: Record<string, unknown> }[]>(
        'actor',
        'action',
        'details',
      );
    expect(rows.slice(-3)).toEqual([
      { actor: 'user:sue', action: 'agent.login', details: { campaignId: ids['one'], onBehalfOf: 'al' } },
      {
        actor: 'user:sue',
        action: 'agent.pause',
        details: { code: 'break', campaignId: ids['one'], onBehalfOf: 'al' },
      },
      { actor: 'user:sue', action: 'agent.logout', details: { campaignId: ids['one'], onBehalfOf: 'al' } },
    ]);
    expect(rows[0]).toMatchObject({ actor: 'user:al', action: 'agent.login' });
  });

  it('logs a deactivated agent out of their campaign at once (no more calls for them)', async () => {
    expect((await post(al, '/api/agents/al/login', { campaign: 'one' })).statusCode).toBe(200);
    const engine = app.engines().get(ids['one'] ?? 0);
    const alId = (await t.db('agents').where({ username: 'al' }).first<{ id: number }>('id')).id;
    expect(engine?.agents.get(alId)?.status.state).toBe('ready');
    expect((await post(root, '/api/users/al/deactivate')).statusCode).toBe(200);
    expect(app.engines().campaignOf('al')).toBeUndefined();
    expect(engine?.agents.get(alId)?.status.state ?? 'logged-out').toBe('logged-out');
    expect((await post(al, '/api/agents/al/login', { campaign: 'one' })).statusCode).toBe(401);
  });
});
