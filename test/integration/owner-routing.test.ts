import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { EngineRegistry } from '../../src/engine/registry.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { assignAllAgents } from '../support/accounts.js';

/**
 * Owned leads in the automatic modes (real Postgres and Redis, fake PBX): a confidential lead
 * goes only to the agent it is assigned to, an agent-owned callback only to its owner, and a
 * lead whose owner is not logged in waits for them instead of going to someone else.
 */
describe.each(['progressive', 'predictive'] as const)('owner routing, %s', (mode) => {
  let t: TestDb;
  let app: App;
  let pbx: FakePbxDriver;
  let registry: EngineRegistry;
  const campaignId = 100_000 + Math.floor(Math.random() * 1e8);
  const ids: Record<string, number> = {};
  const leadIds: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestDb();
    const made = engineTestApp(t, `owner-${mode}`, {
      config: {
        trunks: [{ name: 'lab-carrier', node: 'lab', dial: 'lab/{number}', maxChannels: 10, cps: 10 }],
      },
      driver: () => new FakePbxDriver(),
    });
    app = made.app;
    pbx = await made.pbx();
    for (const i of [1, 2, 3]) {
      const [a] = await t
        .db('agents')
        .insert({ username: `agent${i}`, display_name: `A${i}`, sip_endpoint: `agent/${i}` })
        .returning<{ id: number }[]>('id');
      ids[`agent${i}`] = a?.id ?? 0;
    }
    await t.db('campaigns').insert({
      id: campaignId,
      code: `own-${mode}`,
      name: 'Owners',
      status: 'active',
      purpose: 'care',
      dial_mode: mode,
      trunk: 'lab-carrier',
      max_attempts: 3,
      settings: {
        engine: { ringTimeoutSec: 15, wrapUpSec: 1, amd: false },
        window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
      },
    });
    const add = async (key: string, phone: string, extra: Record<string, unknown> = {}) => {
      const [l] = await t
        .db('leads')
        .insert({ campaign_id: campaignId, phone_e164: phone, timezone: 'UTC', ...extra })
        .returning<{ id: number }[]>('id');
      leadIds[key] = l?.id ?? 0;
    };
    await add('forAgent2', labNumber(9, 3, 1, 301), { assigned_agent_id: ids['agent2'] });
    await add('forAgent3', labNumber(9, 3, 2, 301), { assigned_agent_id: ids['agent3'] });
    await add('callbackOfAgent1', labNumber(9, 3, 3, 301), {
      status: 'callback',
      next_attempt_at: new Date(Date.now() - 60_000),
      attempts: 1,
    });
    await t.db('callbacks').insert({
      campaign_id: campaignId,
      lead_id: leadIds['callbackOfAgent1'],
      due_at: new Date(Date.now() - 60_000),
      agent_id: ids['agent1'],
    });
    await add('anyone', labNumber(9, 3, 4, 301));
    registry = app.engines();
    await registry.start(campaignId);
    await assignAllAgents(t.db, campaignId);
    await registry.login('agent1', campaignId);
    await registry.login('agent2', campaignId);
    // Until the three leads an agent here may take are finished.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const open = await t
        .db('calls')
        .where({ campaign_id: campaignId })
        .whereNotNull('ended_at')
        .count<{ n: number }[]>({ n: '*' });
      if (Number(open[0]?.n) >= 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 60_000);

  afterAll(async () => {
    await registry?.stopAll(5_000);
    await pbx?.close();
    await app?.close();
    await t?.drop();
  });

  it('each owned lead reached its owner, the unowned one anyone, the absent owner’s lead nobody', async () => {
    const calls = await t
      .db('calls')
      .where({ campaign_id: campaignId })
      .select<{ lead_id: number; agent_id: number | null; bridged_at: Date | null }[]>(
        'lead_id',
        'agent_id',
        'bridged_at',
      );
    const agentOf = new Map(calls.map((c) => [c.lead_id, c.agent_id]));
    expect(agentOf.get(leadIds['forAgent2'] ?? 0)).toBe(ids['agent2']);
    expect(agentOf.get(leadIds['callbackOfAgent1'] ?? 0)).toBe(ids['agent1']);
    expect([ids['agent1'], ids['agent2']]).toContain(agentOf.get(leadIds['anyone'] ?? 0));
    for (const c of calls) expect(c.bridged_at).not.toBeNull();
    // agent3 is not logged in: their confidential lead was not dialled for anyone else.
    expect(agentOf.has(leadIds['forAgent3'] ?? 0)).toBe(false);
    const waiting = await t
      .db('leads')
      .where({ id: leadIds['forAgent3'] })
      .first<{ status: string; attempts: number; next_attempt_at: Date }>(
        'status',
        'attempts',
        'next_attempt_at',
      );
    // Never dialled: back among the fresh leads (as the preview desk does), its attempt uncounted.
    expect([waiting.status, waiting.attempts]).toEqual(['new', 0]);
    expect(waiting.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 3 * 60_000);
    // The callback was reached: done, with its call.
    const cb = await t
      .db('callbacks')
      .where({ lead_id: leadIds['callbackOfAgent1'] })
      .first<{ status: string }>('status');
    expect(cb.status).toBe('done');
  });
});
