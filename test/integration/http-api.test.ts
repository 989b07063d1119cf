import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { apiKeyLookup, hashKey } from '../../src/http/auth.js';
import { buildServer } from '../../src/http/server.js';
import type { CheckResult } from '../../src/startup/dependencies.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';

/** The HTTP API over real Postgres: API keys, roles, and the disposition route end to end. */
describe('HTTP API (real Postgres)', () => {
  let t: TestDb;
  let app: App;
  let server: ReturnType<typeof buildServer>;
  let callId = '';
  let readiness: CheckResult[] = [];
  const keys = { agent1: 'k-agent-1', agent2: 'k-agent-2', sup: 'k-supervisor', admin: 'k-admin' };

  beforeAll(async () => {
    t = await createTestDb();
    const made = engineTestApp(t, 'http', { driver: () => new FakePbxDriver() });
    app = made.app;
    // As `dialer run` does before serving: the PBX node is connected.
    await made.pbx();
    const agents = await t
      .db('agents')
      .insert([
        { username: 'agent1', display_name: 'A1', sip_endpoint: 'agent/1' },
        { username: 'agent2', display_name: 'A2', sip_endpoint: 'agent/2' },
      ])
      .returning<{ id: number }[]>('id');
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'api', name: 'API', purpose: 'survey' })
      .returning<{ id: number }[]>('id');
    const [lead] = await t
      .db('leads')
      .insert({ campaign_id: c?.id, phone_e164: '+15555550300', timezone: 'UTC', status: 'dialling' })
      .returning<{ id: number }[]>('id');
    callId = `c${c?.id}-l${lead?.id}-a1`;
    await t.db('calls').insert({
      id: callId,
      campaign_id: c?.id,
      lead_id: lead?.id,
      attempt: 1,
      phone_e164: '+15555550300',
      agent_id: agents[0]?.id,
    });
    server = buildServer({
      logger: app.logger,
      registry: app.engines(),
      authenticate: apiKeyLookup([
        { name: 'a1', role: 'agent', agent: 'agent1', sha256: hashKey(keys.agent1) },
        { name: 'a2', role: 'agent', agent: 'agent2', sha256: hashKey(keys.agent2) },
        { name: 's', role: 'supervisor', campaigns: [c?.id ?? 0], sha256: hashKey(keys.sup) },
        { name: 'adm', role: 'admin', sha256: hashKey(keys.admin) },
      ]),
      ready: () => Promise.resolve(readiness),
    });
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await t?.drop();
  });

  const dispose = (key: string | undefined, agent: string, body: unknown) =>
    server.inject({
      method: 'POST',
      url: `/api/agents/${agent}/calls/${callId}/disposition`,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      payload: body as object,
    });

  it('refuses requests without a valid key, and agents acting for someone else', async () => {
    expect((await dispose(undefined, 'agent1', { code: 'completed' })).statusCode).toBe(401);
    expect((await dispose('wrong', 'agent1', { code: 'completed' })).statusCode).toBe(401);
    expect((await dispose(keys.agent2, 'agent1', { code: 'completed' })).statusCode).toBe(403);
    const live = await server.inject({
      method: 'GET',
      url: '/api/campaigns/1/live',
      headers: { authorization: `Bearer ${keys.agent1}` },
    });
    expect(live.statusCode).toBe(403);
  });

  it('names the bad field, stores a good disposition once', async () => {
    const bad = await dispose(keys.agent1, 'agent1', { code: 'completed', satisfaction: 9 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: string }>().error).toMatch(/^satisfaction: /);
    expect((await dispose(keys.agent1, 'agent1', { code: 'completed', satisfaction: 5 })).statusCode).toBe(
      201,
    );
    expect((await dispose(keys.agent1, 'agent1', { code: 'completed' })).statusCode).toBe(409);
    expect(await t.db('dispositions').where({ call_id: callId }).first('code', 'satisfaction')).toEqual({
      code: 'completed',
      satisfaction: 5,
    });
  });

  it('explains a campaign (by code or id) to supervisors only, with engine facts when it runs here', async () => {
    const get = (url: string, key: string) =>
      server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
    expect((await get('/api/campaigns/api/doctor', keys.agent1)).statusCode).toBe(403);
    const byCode = await get('/api/campaigns/api/doctor', keys.sup);
    expect(byCode.statusCode).toBe(200);
    const d = byCode.json<{
      campaign: { code: string; status: string };
      totalLeads: number;
      ineligible: Record<string, number>;
      engine: { pbxHealthy?: boolean; readyAgents?: number };
      problems: string[];
    }>();
    expect(d.campaign).toMatchObject({ code: 'api', status: 'draft' });
    expect(d.totalLeads).toBe(1);
    expect(d.ineligible).toEqual({ 'in-progress': 1 });
    expect(d.engine).toEqual({ pbxHealthy: true });
    expect(d.problems.join(' ')).toMatch(/draft/);
    const id = (await t.db('campaigns').where({ code: 'api' }).first<{ id: number }>('id')).id;
    expect((await get(`/api/campaigns/${id}/doctor`, keys.sup)).json()).toMatchObject({
      campaign: { code: 'api' },
    });
    expect((await get('/api/campaigns/nope/doctor', keys.admin)).statusCode).toBe(404);
    // A supervisor sees only their campaigns: one they are not assigned to (or none) is refused.
    expect((await get('/api/campaigns/nope/doctor', keys.sup)).statusCode).toBe(403);
    expect((await get('/api/campaigns/bad%20code/doctor', keys.sup)).json<{ error: string }>().error).toMatch(
      /^id \(path\): /,
    );
  });

  it('answers /health (liveness) and /ready (503 while a dependency is down) without a key', async () => {
    const health = await server.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok' });
    readiness = [{ name: 'redis', where: '127.0.0.1:1', ok: false, detail: 'ECONNREFUSED' }];
    const down = await server.inject({ method: 'GET', url: '/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ ready: false, checks: readiness });
    readiness = [{ name: 'redis', where: '127.0.0.1:6379', ok: true, detail: 'up' }];
    expect((await server.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  });

  it('answers 404 for a campaign not running here', async () => {
    const live = await server.inject({
      method: 'GET',
      url: '/api/campaigns/999/live',
      headers: { authorization: `Bearer ${keys.admin}` },
    });
    expect(live.statusCode).toBe(404);
  });
});
