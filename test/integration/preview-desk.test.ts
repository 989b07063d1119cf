import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { PreviewRecord } from '../../src/engine/preview-ports.js';
import { EngineRegistry } from '../../src/engine/registry.js';
import { apiKeyLookup, hashKey } from '../../src/http/auth.js';
import { buildServer } from '../../src/http/server.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { PgComplianceGate } from '../../src/store/gate-facts.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';

type OfferReply = { offer: PreviewRecord | null; agentState: string };

/**
 * The preview desk over real Postgres and Redis (BullMQ hopper, Redis lease), with the fake PBX
 * behind the engine: offers and their record, skip, the gate at dial time, pause and logout,
 * owners of leads, auto-dial, and the HTTP API's rules on who may act for whom.
 */
describe('preview desk (real Postgres and Redis)', () => {
  let t: TestDb;
  let app: App;
  let pbx: FakePbxDriver;
  let registry: EngineRegistry;
  let server: ReturnType<typeof buildServer>;
  const agentIds: Record<string, number> = {};
  const keys: Record<string, string> = { sup: 'k-sup' };

  beforeAll(async () => {
    t = await createTestDb();
    ({ app } = engineTestApp(t, 'preview', {
      config: {
        trunks: [{ name: 'lab-carrier', node: 'lab', dial: 'lab/{number}', maxChannels: 10, cps: 5 }],
      },
    }));
    pbx = new FakePbxDriver();
    await pbx.connect();
    for (const i of [1, 2, 3]) {
      const [row] = await t
        .db('agents')
        .insert({ username: `agent${i}`, display_name: `A${i}`, sip_endpoint: `agent/${i}` })
        .returning<{ id: number }[]>('id');
      agentIds[`agent${i}`] = row?.id ?? 0;
      keys[`agent${i}`] = `k-agent-${i}`;
    }
    registry = new EngineRegistry(app, pbx, new PgComplianceGate(app.db));
    server = buildServer({
      logger: app.logger,
      registry,
      authenticate: apiKeyLookup([
        ...[1, 2, 3].map((i) => ({
          name: `a${i}`,
          role: 'agent' as const,
          agent: `agent${i}`,
          sha256: hashKey(`k-agent-${i}`),
        })),
        { name: 's', role: 'supervisor', sha256: hashKey(keys['sup'] ?? '') },
      ]),
      health: () => Promise.resolve({ ok: true, detail: 'fake' }),
    });
  });

  afterAll(async () => {
    await registry?.stopAll(2_000);
    await server?.close();
    await pbx?.close();
    await app?.close();
    await t?.drop();
  });

  const api = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    server.inject({ method, url, headers: { authorization: `Bearer ${keys[who]}` }, payload });
  const offerOf = async (agent: string, wait = 5, as = agent): Promise<OfferReply> => {
    const r = await api(as, 'GET', `/api/agents/${agent}/offer?wait=${wait}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<OfferReply>();
  };
  const login = async (agent: string, campaignId: number) => {
    const r = await api(agent, 'POST', `/api/agents/${agent}/login`, { campaignId });
    expect(r.statusCode, r.body).toBe(200);
  };
  const logout = (agent: string) => api(agent, 'POST', `/api/agents/${agent}/logout`);

  async function campaign(engine: Record<string, unknown> = {}, script?: string): Promise<number> {
    const id = 100_000 + Math.floor(Math.random() * 1e8);
    await t.db('campaigns').insert({
      id,
      code: `pv-${id}`,
      name: 'Preview',
      status: 'active',
      purpose: 'care',
      dial_mode: 'preview',
      trunk: 'lab-carrier',
      script: script ?? null,
      settings: {
        engine: { ringTimeoutSec: 15, wrapUpSec: 1, amd: false, ...engine },
        window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
      },
    });
    return id;
  }
  let serial = 0;
  async function leads(campaignId: number, rows: Record<string, unknown>[]): Promise<number[]> {
    const inserted = await t
      .db('leads')
      .insert(
        rows.map((r) => ({
          campaign_id: campaignId,
          phone_e164: labNumber(9, 2, serial++ % 10, 200 + Math.floor(serial / 10)),
          timezone: 'UTC',
          ...r,
        })),
      )
      .returning<{ id: number }[]>('id');
    return inserted.map((r) => r.id);
  }
  const lead = (id: number) =>
    t
      .db('leads')
      .where({ id })
      .first<{ status: string; attempts: number; next_attempt_at: Date | null }>(
        'status',
        'attempts',
        'next_attempt_at',
      );
  const offersOf = (leadId: number) =>
    t
      .db('preview_offers')
      .where({ lead_id: leadId })
      .orderBy('id')
      .select<{ id: number; agent_id: number; status: string; reason: string | null; note: string | null }[]>(
        'id',
        'agent_id',
        'status',
        'reason',
        'note',
      );
  const callsOf = (campaignId: number) => t.db('calls').where({ campaign_id: campaignId }).select('*');

  it('offers the next lead with its record; an agent cannot read another agent’s offer', async () => {
    const c = await campaign({}, 'Good morning, this is Acme Care. First confirm the account holder.');
    const past = new Date(Date.now() - 60_000);
    const [id] = await leads(c, [
      {
        name: 'Mei Tanaka',
        timezone: 'Asia/Tokyo',
        attributes: { plan: 'gold', contract: 'K-1001' },
        attempts: 1,
        status: 'callback',
        next_attempt_at: past,
      },
    ]);
    const earlier = new Date(Date.now() - 3 * 86_400_000);
    await t.db('calls').insert({
      id: `c${c}-l${id}-a1`,
      campaign_id: c,
      lead_id: id,
      attempt: 1,
      phone_e164: (await t.db('leads').where({ id }).first<{ phone_e164: string }>('phone_e164')).phone_e164,
      agent_id: agentIds['agent2'],
      reserved_at: earlier,
      bridged_at: new Date(earlier.getTime() + 5_000),
      ended_at: new Date(earlier.getTime() + 65_000),
      outcome: 'answered',
    });
    await t.db('dispositions').insert({
      call_id: `c${c}-l${id}-a1`,
      agent_id: agentIds['agent2'],
      code: 'callback',
      notes: 'asked to be called after the holidays',
    });
    await t.db('callbacks').insert({ campaign_id: c, lead_id: id, due_at: past, note: 'after the holidays' });
    await login('agent1', c);
    try {
      const { offer, agentState } = await offerOf('agent1');
      expect(agentState).toBe('reserved');
      expect(offer).toMatchObject({
        callId: `c${c}-l${id}-a2`,
        attempt: 2,
        autoDialAt: null,
        lead: {
          id,
          name: 'Mei Tanaka',
          attributes: { plan: 'gold', contract: 'K-1001' },
          timezone: 'Asia/Tokyo',
        },
        campaign: { id: c, script: 'Good morning, this is Acme Care. First confirm the account holder.' },
        callbacks: [{ kind: 'callback', note: 'after the holidays', owner: null }],
        history: [
          {
            callId: `c${c}-l${id}-a1`,
            attempt: 1,
            outcome: 'answered',
            talkSeconds: 60,
            agent: 'agent2',
            disposition: { code: 'callback', notes: 'asked to be called after the holidays' },
          },
        ],
      });
      expect(offer?.lead.localTime).toMatch(/\+09:00$/);
      expect(offer?.skipReasons.map((r) => r.code)).toContain('not-now');
      // Confidential: another agent may not read it; a supervisor may.
      expect((await api('agent2', 'GET', '/api/agents/agent1/offer')).statusCode).toBe(403);
      expect((await offerOf('agent1', 0, 'sup')).offer?.offerId).toBe(offer?.offerId);
      const stored = await t.db('preview_offers').where({ id: offer?.offerId }).first<object>();
      expect(stored).toMatchObject({
        agent_id: agentIds['agent1'],
        lead_id: id,
        attempt: 2,
        status: 'offered',
      });
      const reserved = await t
        .db('agent_state_events')
        .where({ agent_id: agentIds['agent1'], campaign_id: c, state: 'reserved' })
        .pluck('call_id');
      expect(reserved).toEqual([offer?.callId]);
    } finally {
      await logout('agent1');
    }
    // Logging out gave the lead back: still a callback, the attempt not counted.
    expect(await lead(id ?? 0)).toMatchObject({ status: 'callback', attempts: 1 });
  });

  it('never offers one lead to two agents, however they race', async () => {
    const c = await campaign();
    const [id] = await leads(c, [{}]);
    await login('agent1', c);
    await login('agent2', c);
    try {
      for (let round = 0; round < 5; round++) {
        const replies = await Promise.all([offerOf('agent1', 1), offerOf('agent2', 1), offerOf('agent1', 0)]);
        const holders = new Set(replies.filter((r) => r.offer).map((r) => r.offer?.lead.id));
        expect([...holders]).toEqual([id]);
        expect(replies.filter((r) => r.agentState === 'reserved').length).toBeGreaterThanOrEqual(1);
      }
      const rows = await offersOf(id ?? 0);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.status).toBe('offered');
    } finally {
      await logout('agent1');
      await logout('agent2');
    }
  });

  it('skip: the reason is checked and stored, the lead comes back later, its attempt not counted', async () => {
    const c = await campaign({ previewSkipRetryMinutes: 45 });
    const [l1, l2, l3] = await leads(c, [{}, {}, {}]);
    await login('agent1', c);
    try {
      const first = (await offerOf('agent1')).offer;
      expect(first?.lead.id).toBe(l1);
      const skip = (body: object, who = 'agent1') => api(who, 'POST', '/api/agents/agent1/offer/skip', body);
      const offerId = first?.offerId ?? 0;
      const bad = await skip({ offerId, reason: 'bored' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ error: string }>().error).toMatch(/^reason: must be one of not-now, /);
      expect((await skip({ offerId, reason: 'other' })).json<{ error: string }>().error).toBe(
        'note: required when reason is "other"',
      );
      const stale = await skip({ offerId: offerId + 1000, reason: 'not-now' });
      expect(stale.statusCode).toBe(409);
      expect(stale.json<{ error: string }>().error).toMatch(/^offerId: /);
      expect((await skip({ offerId, reason: 'not-now' }, 'agent2')).statusCode).toBe(403);

      const before = Date.now();
      const ok = await skip({ offerId, reason: 'not-now', note: 'lunch time where the customer is' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ offerId, callId: first?.callId, reason: 'not-now' });
      expect(await offersOf(l1 ?? 0)).toMatchObject([
        { status: 'skipped', reason: 'not-now', note: 'lunch time where the customer is' },
      ]);
      const back = await lead(l1 ?? 0);
      expect(back).toMatchObject({ status: 'scheduled', attempts: 0 });
      const due = back?.next_attempt_at?.getTime() ?? 0;
      expect(due).toBeGreaterThanOrEqual(before + 45 * 60_000 - 1_000);
      expect(due).toBeLessThanOrEqual(Date.now() + 45 * 60_000 + 1_000);
      expect(
        await t
          .db('audit_log')
          .where({ action: 'preview.skip', entity_id: String(l1) })
          .first('actor'),
      ).toEqual({ actor: `agent:${agentIds['agent1']}` });

      const second = (await offerOf('agent1')).offer;
      expect(second?.lead.id).toBe(l2);
      const closed = await skip({ offerId: second?.offerId, reason: 'existing-customer' });
      expect(closed.json()).toMatchObject({ nextAttemptAt: null });
      expect(await lead(l2 ?? 0)).toMatchObject({ status: 'done', attempts: 0, next_attempt_at: null });
      expect((await offerOf('agent1')).offer?.lead.id).toBe(l3);
      expect(await callsOf(c)).toEqual([]);
    } finally {
      await logout('agent1');
    }
    expect(await lead(l3 ?? 0)).toMatchObject({ status: 'scheduled', attempts: 0 });
    expect(await offersOf(l3 ?? 0)).toMatchObject([{ status: 'returned', reason: 'agent logged out' }]);
  });

  it('asks the gate again at dial: a DNC entry added while the agent reads wins', async () => {
    const c = await campaign();
    const [id] = await leads(c, [{}]);
    await login('agent1', c);
    try {
      const offer = (await offerOf('agent1')).offer;
      expect(offer?.lead.id).toBe(id);
      const noId = await api('agent1', 'POST', '/api/agents/agent1/offer/dial', {});
      expect(noId.statusCode).toBe(400);
      expect(noId.json<{ error: string }>().error).toMatch(/^offerId: /);
      await t.db('dnc_entries').insert({ phone_e164: offer?.lead.phone, type: 'all', source: 'test' });
      const dial = await api('agent1', 'POST', '/api/agents/agent1/offer/dial', { offerId: offer?.offerId });
      expect(dial.statusCode).toBe(409);
      expect(dial.json()).toEqual({
        error: 'the compliance gate refuses this lead now: dnc:all',
        reason: 'dnc:all',
      });
      expect(await callsOf(c)).toEqual([]);
      expect(await lead(id ?? 0)).toMatchObject({ status: 'dnc', attempts: 0 });
      expect(await offersOf(id ?? 0)).toMatchObject([{ status: 'refused', reason: 'dnc:all' }]);
      const again = await api('agent1', 'POST', '/api/agents/agent1/offer/dial', { offerId: offer?.offerId });
      expect(again.statusCode).toBe(409);
      expect((await offerOf('agent1', 0)).agentState).toBe('ready');
    } finally {
      await logout('agent1');
    }
  });

  it('pausing or logging out with an offer gives the lead back; after resuming it is offered again', async () => {
    const c = await campaign();
    const [id] = await leads(c, [
      { status: 'callback', attempts: 1, next_attempt_at: new Date(Date.now() - 1_000) },
    ]);
    await t.db('callbacks').insert({ campaign_id: c, lead_id: id, due_at: new Date(Date.now() - 1_000) });
    await login('agent1', c);
    try {
      const first = (await offerOf('agent1')).offer;
      expect(first?.callId).toBe(`c${c}-l${id}-a2`);
      const paused = await api('agent1', 'POST', '/api/agents/agent1/pause', { code: 'break' });
      expect(paused.statusCode, paused.body).toBe(200);
      // Back at the head of the list as a callback, with its attempt number given back.
      expect(await lead(id ?? 0)).toMatchObject({ status: 'callback', attempts: 1 });
      expect(await offersOf(id ?? 0)).toMatchObject([{ status: 'returned', reason: 'agent paused' }]);
      expect(await offerOf('agent1', 1)).toEqual({ offer: null, agentState: 'paused' });

      expect((await api('agent1', 'POST', '/api/agents/agent1/resume')).statusCode).toBe(200);
      const again = (await offerOf('agent1')).offer;
      expect(again?.callId).toBe(first?.callId);
      expect(again?.offerId).not.toBe(first?.offerId);
      expect(again?.earlierOffers).toMatchObject([
        { agent: 'agent1', status: 'returned', reason: 'agent paused' },
      ]);
    } finally {
      await logout('agent1');
    }
    expect(await lead(id ?? 0)).toMatchObject({ status: 'callback', attempts: 1 });
    expect((await offersOf(id ?? 0)).map((o) => o.status)).toEqual(['returned', 'returned']);
    expect(await callsOf(c)).toEqual([]);
    const states = await t
      .db('agent_state_events')
      .where({ agent_id: agentIds['agent1'], campaign_id: c })
      .orderBy('id')
      .pluck('state');
    expect(states).toEqual([
      'ready',
      'reserved',
      'ready',
      'paused',
      'ready',
      'reserved',
      'ready',
      'logged-out',
    ]);
  });

  it('gives an owned callback to its owner and a confidential lead to no one else', async () => {
    const c = await campaign();
    const past = new Date(Date.now() - 1_000);
    const [owned, absentOwners, free] = await leads(c, [
      { status: 'callback', next_attempt_at: past },
      { assigned_agent_id: agentIds['agent3'] },
      {},
    ]);
    await t
      .db('callbacks')
      .insert({ campaign_id: c, lead_id: owned, due_at: past, agent_id: agentIds['agent2'] });
    // agent1 has waited longest, so the hopper's first lead comes up on agent1's turn.
    await login('agent1', c);
    await login('agent2', c);
    try {
      const [a1, a2] = await Promise.all([offerOf('agent1'), offerOf('agent2')]);
      expect(a2.offer?.lead.id).toBe(owned);
      expect(a1.offer?.lead.id).toBe(free);
      await api('agent1', 'POST', '/api/agents/agent1/offer/skip', {
        offerId: a1.offer?.offerId,
        reason: 'not-now',
      });
      expect((await offerOf('agent1', 1)).offer).toBeNull();
      // agent3's record was never offered: put back for agent3, attempt not counted.
      expect(await offersOf(absentOwners ?? 0)).toEqual([]);
      const held = await lead(absentOwners ?? 0);
      expect(held).toMatchObject({ status: 'scheduled', attempts: 0 });
      expect(held?.next_attempt_at?.getTime() ?? 0).toBeGreaterThan(Date.now() + 60_000);
    } finally {
      await logout('agent1');
      await logout('agent2');
    }
  });

  it('dials by itself after previewSeconds: the customer is bridged to the agent, one call row', async () => {
    const c = await campaign({ previewSeconds: 1 });
    const [id] = await t
      .db('leads')
      .insert({ campaign_id: c, phone_e164: labNumber(9, 2, 7, 292), timezone: 'UTC' })
      .returning<{ id: number }[]>('id')
      .then((r) => r.map((x) => x.id));
    await login('agent1', c);
    try {
      const offer = (await offerOf('agent1')).offer;
      expect(offer?.lead.id).toBe(id);
      expect(Date.parse(offer?.autoDialAt ?? '') - Date.parse(offer?.offeredAt ?? '')).toBe(1_000);
      let call:
        { ended_at: Date | null; bridged_at: Date | null; agent_id: number; outcome: string } | undefined;
      for (let i = 0; i < 40 && !call?.ended_at; i++) {
        await new Promise((r) => setTimeout(r, 250));
        call = await t.db('calls').where({ id: offer?.callId }).first<typeof call>();
      }
      expect(call).toMatchObject({ agent_id: agentIds['agent1'], outcome: 'answered' });
      expect(call?.bridged_at).not.toBeNull();
      expect(await offersOf(id ?? 0)).toMatchObject([{ status: 'dialled' }]);
      const late = await api('agent1', 'POST', '/api/agents/agent1/offer/dial', { offerId: offer?.offerId });
      expect(late.statusCode).toBe(409);
      const d = await api('agent1', 'POST', `/api/agents/agent1/calls/${offer?.callId}/disposition`, {
        code: 'completed',
      });
      expect(d.statusCode, d.body).toBe(201);
      expect(await callsOf(c)).toHaveLength(1);
    } finally {
      await logout('agent1');
    }
  });

  it('refuses preview actions for an agent who is not logged in, or in a campaign that is not preview', async () => {
    const r = await api('agent3', 'GET', '/api/agents/agent3/offer');
    expect(r.statusCode).toBe(404);
    const id = 100_000 + Math.floor(Math.random() * 1e8);
    await t.db('campaigns').insert({ id, code: `prog-${id}`, name: 'P', status: 'active', purpose: 'care' });
    await login('agent3', id);
    try {
      const p = await api('agent3', 'GET', '/api/agents/agent3/offer');
      expect(p.statusCode).toBe(409);
      expect(p.json<{ error: string }>().error).toMatch(/not a preview campaign/);
      expect((await api('agent3', 'GET', '/api/agents/agent3/offer?wait=99')).statusCode).toBe(400);
    } finally {
      await logout('agent3');
    }
  });
});
