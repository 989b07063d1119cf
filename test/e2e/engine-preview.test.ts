import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { OfferView } from '../../src/domain/preview/offer.js';
import type { EngineRegistry } from '../../src/engine/registry.js';
import { apiKeyLookup, hashKey } from '../../src/http/auth.js';
import { buildServer } from '../../src/http/server.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import { sha256File } from '../../src/recordings/archiver.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { carrierLogOffset, labSettings, numbersInvitedAtCarrier } from '../support/lab.js';
import { assignAllAgents } from '../support/accounts.js';

type OfferReply = { offer: OfferView | null; agentState: string };

interface CallRow {
  id: string;
  lead_id: number;
  attempt: number;
  outcome: string | null;
  answered_at: Date | null;
  bridged_at: Date | null;
  ended_at: Date | null;
  agent_id: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Preview mode end to end on the real lab, driven through the HTTP API as an agent's desktop
 * would: the agent logs in (their softphone is called and parked), reads the first offer (an
 * owned callback with its history), skips it with a reason, gets the next one (a DNC number and
 * another agent's confidential record are never offered), dials it, the SIPp customer answers and
 * is bridged to the agent, the call is recorded and archived, and the agent saves a disposition.
 * The carrier's own log shows that only the dialled number was ever invited.
 */
describe('engine, preview, on the lab', () => {
  let t: TestDb;
  let app: App;
  let pbx: AriDriver;
  let registry: EngineRegistry;
  let server: ReturnType<typeof buildServer>;
  let campaignId = 0;
  let agentId = 0;
  let logOffset = 0;
  const key = 'k-agent-11';
  // Area 294 is used by no other lab test, so the carrier log speaks only of this one.
  const callbackNumber = labNumber(9, 5, 1, 294);
  const dncNumber = labNumber(9, 5, 2, 294);
  const confidentialNumber = labNumber(9, 5, 3, 294);
  // A human who answers at once and talks for 6 s, then hangs up.
  const dialledNumber = labNumber(9, 6, 4, 294);
  const ids: Record<'callback' | 'dnc' | 'confidential' | 'dialled', number> = {
    callback: 0,
    dnc: 0,
    confidential: 0,
    dialled: 0,
  };
  const script = 'Hello, this is Acme Care calling about your service. May I speak to the account holder?';

  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    server.inject({ method, url, headers: { authorization: `Bearer ${key}` }, payload });

  beforeAll(async () => {
    t = await createTestDb();
    const made = engineTestApp(t, 'preview-e2e', {
      driver: (logger) => new AriDriver({ ...labSettings().ari, app: `e2e-preview-${process.pid}` }, logger),
    });
    app = made.app;
    pbx = await made.pbx();
    const agents = await t
      .db('agents')
      .insert([
        { username: 'agent11', display_name: 'A11', sip_endpoint: 'PJSIP/agent11' },
        { username: 'agent12', display_name: 'A12', sip_endpoint: 'PJSIP/agent12' },
      ])
      .returning<{ id: number }[]>('id');
    agentId = agents[0]?.id ?? 0;
    campaignId = 100_000 + Math.floor(Math.random() * 1e8);
    await t.db('campaigns').insert({
      id: campaignId,
      code: 'preview-e2e',
      name: 'Preview e2e',
      status: 'active',
      purpose: 'care',
      dial_mode: 'preview',
      trunk: 'lab-carrier',
      script,
      settings: {
        engine: { ringTimeoutSec: 15, wrapUpSec: 30, amd: false },
        window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
      },
    });
    const past = new Date(Date.now() - 60_000);
    const insert = async (row: Record<string, unknown>) =>
      (
        await t
          .db('leads')
          .insert({ campaign_id: campaignId, timezone: 'America/Chicago', ...row })
          .returning<{ id: number }[]>('id')
      )[0]?.id ?? 0;
    // In id order; the callback comes off the hopper first whatever its id.
    ids.callback = await insert({
      phone_e164: callbackNumber,
      name: 'Dana Whitfield',
      attributes: { plan: 'fibre-500', customerSince: '2019' },
      status: 'callback',
      attempts: 1,
      next_attempt_at: past,
    });
    ids.dnc = await insert({ phone_e164: dncNumber, name: 'Do Not Call' });
    ids.confidential = await insert({ phone_e164: confidentialNumber, assigned_agent_id: agents[1]?.id });
    ids.dialled = await insert({
      phone_e164: dialledNumber,
      name: 'Sam Ortega',
      attributes: { plan: 'dsl' },
    });
    const earlier = new Date(Date.now() - 3 * 86_400_000);
    await t.db('calls').insert({
      id: `c${campaignId}-l${ids.callback}-a1`,
      campaign_id: campaignId,
      lead_id: ids.callback,
      attempt: 1,
      phone_e164: callbackNumber,
      agent_id: agentId,
      reserved_at: earlier,
      answered_at: earlier,
      bridged_at: earlier,
      ended_at: new Date(earlier.getTime() + 90_000),
      outcome: 'answered',
    });
    await t.db('dispositions').insert({
      call_id: `c${campaignId}-l${ids.callback}-a1`,
      agent_id: agentId,
      code: 'callback',
      notes: 'busy driving, call back later this week',
      callback_at: past,
    });
    await t
      .db('callbacks')
      .insert({ campaign_id: campaignId, lead_id: ids.callback, due_at: past, agent_id: agentId });
    await t.db('dnc_entries').insert({ phone_e164: dncNumber, type: 'all', source: 'test' });
    logOffset = carrierLogOffset(labSettings());
    registry = app.engines();
    server = buildServer({
      logger: app.logger,
      registry,
      authenticate: apiKeyLookup([{ name: 'a11', role: 'agent', agent: 'agent11', sha256: hashKey(key) }]),
      ready: () => Promise.resolve([]),
    });
  });

  afterAll(async () => {
    await registry?.stopAll(5_000);
    await server?.close();
    await pbx?.close();
    await app?.close();
    await t?.drop();
  });

  it('offer, skip with a reason, next offer, dial, bridged and recorded, disposition saved', async () => {
    await assignAllAgents(t.db, campaignId);
    const login = await api('POST', '/api/agents/agent11/login', { campaignId });
    expect(login.statusCode, login.body).toBe(200);

    // 1. The owned callback, with what the agent needs to read before calling.
    const first = (await api('GET', '/api/agents/agent11/offer?wait=15')).json<OfferReply>();
    expect(first.agentState).toBe('reserved');
    expect(first.offer).toMatchObject({
      attempt: 2,
      callId: `c${campaignId}-l${ids.callback}-a2`,
      lead: {
        id: ids.callback,
        phone: callbackNumber,
        name: 'Dana Whitfield',
        attributes: { plan: 'fibre-500', customerSince: '2019' },
        timezone: 'America/Chicago',
      },
      campaign: { id: campaignId, script },
      callbacks: [{ owner: 'agent11', kind: 'callback' }],
      history: [
        {
          attempt: 1,
          outcome: 'answered',
          agent: 'agent11',
          disposition: { code: 'callback', notes: 'busy driving, call back later this week' },
        },
      ],
    });
    expect(first.offer?.lead.localTime).toMatch(/[-+]0[56]:00$/);

    // 2. Skip it with a reason.
    const skip = await api('POST', '/api/agents/agent11/offer/skip', {
      offerId: first.offer?.offerId,
      reason: 'not-now',
      note: 'asked for after 17:00 their time',
    });
    expect(skip.statusCode, skip.body).toBe(200);

    // 3. The next offer: the DNC number was refused by the gate, agent12's record held for them.
    const second = (await api('GET', '/api/agents/agent11/offer?wait=15')).json<OfferReply>();
    expect(second.offer?.lead).toMatchObject({ id: ids.dialled, phone: dialledNumber, name: 'Sam Ortega' });
    expect(second.offer?.attempt).toBe(1);
    expect(second.offer?.history).toEqual([]);

    // 4. Dial it.
    const dial = await api('POST', '/api/agents/agent11/offer/dial', { offerId: second.offer?.offerId });
    expect(dial.statusCode, dial.body).toBe(202);
    const { callId } = dial.json<{ callId: string }>();
    expect(callId).toBe(`c${campaignId}-l${ids.dialled}-a1`);

    let call: CallRow | undefined;
    for (let i = 0; i < 60 && !call?.ended_at; i++) {
      await sleep(500);
      call = await t.db('calls').where({ id: callId }).first<CallRow | undefined>();
    }
    expect(call).toMatchObject({ outcome: 'answered', agent_id: agentId, attempt: 1 });
    expect(call?.bridged_at, 'bridged to the agent').not.toBeNull();
    // The agent was reserved before the call: the bridge follows the answer at once.
    expect((call?.bridged_at?.getTime() ?? 0) - (call?.answered_at?.getTime() ?? 0)).toBeLessThan(2_000);

    // 5. The disposition, in wrap-up.
    const d = await api('POST', `/api/agents/agent11/calls/${callId}/disposition`, {
      code: 'completed',
      notes: 'address confirmed',
      consent: { rightParty: true },
    });
    expect(d.statusCode, d.body).toBe(201);
    expect(await t.db('dispositions').where({ call_id: callId }).first('code', 'agent_id')).toEqual({
      code: 'completed',
      agent_id: agentId,
    });

    // 6. The recording: archived, on disk, its sha256 re-checked.
    let rec: { status: string; path: string | null; sha256: string | null; duration_sec: number } | undefined;
    for (let i = 0; i < 30 && rec?.status !== 'archived'; i++) {
      rec = await t
        .db('recordings')
        .where({ call_id: callId })
        .first('status', 'path', 'sha256', 'duration_sec');
      if (rec?.status !== 'archived') await sleep(500);
    }
    expect(rec?.status).toBe('archived');
    expect(existsSync(rec?.path ?? '')).toBe(true);
    expect(await sha256File(rec?.path ?? '')).toBe(rec?.sha256);
    // The customer talked for 6 s after answering; the recording runs from answer to hang-up.
    expect(rec?.duration_sec).toBeGreaterThan(4);

    // 7. Exactly one call row per dialled attempt, none for the skipped, refused or held leads.
    const calls = await t
      .db('calls')
      .where({ campaign_id: campaignId })
      .orderBy('id')
      .select<CallRow[]>('id', 'lead_id', 'attempt');
    expect(calls.map((c) => c.id).sort()).toEqual([`c${campaignId}-l${ids.callback}-a1`, callId].sort());
    const offers = await t
      .db('preview_offers')
      .where({ campaign_id: campaignId })
      .orderBy('id')
      .select<{ lead_id: number; status: string; reason: string | null; note: string | null }[]>(
        'lead_id',
        'status',
        'reason',
        'note',
      );
    expect(offers).toEqual([
      {
        lead_id: ids.callback,
        status: 'skipped',
        reason: 'not-now',
        note: 'asked for after 17:00 their time',
      },
      { lead_id: ids.dialled, status: 'dialled', reason: null, note: null },
    ]);
    const leads = await t
      .db('leads')
      .where({ campaign_id: campaignId })
      .select<{ id: number; status: string; attempts: number; next_attempt_at: Date | null }[]>(
        'id',
        'status',
        'attempts',
        'next_attempt_at',
      );
    const byId = new Map(leads.map((l) => [l.id, l]));
    // Skipped: still an owned callback, its attempt not counted, back in an hour.
    expect(byId.get(ids.callback)).toMatchObject({ status: 'callback', attempts: 1 });
    expect(byId.get(ids.callback)?.next_attempt_at?.getTime() ?? 0).toBeGreaterThan(Date.now() + 55 * 60_000);
    expect(byId.get(ids.dnc)).toMatchObject({ status: 'dnc', attempts: 0 });
    // Never dialled (it waits for its owner): back among the fresh leads.
    expect(byId.get(ids.confidential)).toMatchObject({ status: 'new', attempts: 0 });
    expect(byId.get(ids.dialled)).toMatchObject({ status: 'done', attempts: 1 });

    // 8. The far end's own record: only the dialled number was ever invited.
    const invited = numbersInvitedAtCarrier(labSettings(), logOffset);
    expect(invited.has(dialledNumber)).toBe(true);
    for (const n of [callbackNumber, dncNumber, confidentialNumber]) expect(invited.has(n), n).toBe(false);

    const out = await api('POST', '/api/agents/agent11/logout');
    expect(out.statusCode, out.body).toBe(200);
  });

  it('stored every agent state change in order', async () => {
    const states = await t
      .db('agent_state_events')
      .where({ agent_id: agentId, campaign_id: campaignId })
      .orderBy('id')
      .select<{ state: string; call_id: string | null }[]>('state', 'call_id');
    const skipped = `c${campaignId}-l${ids.callback}-a2`;
    const dialled = `c${campaignId}-l${ids.dialled}-a1`;
    expect(states).toEqual([
      { state: 'ready', call_id: null },
      { state: 'reserved', call_id: skipped },
      { state: 'ready', call_id: null },
      { state: 'reserved', call_id: dialled },
      { state: 'on-call', call_id: dialled },
      { state: 'wrap-up', call_id: null },
      { state: 'ready', call_id: null },
      { state: 'logged-out', call_id: null },
    ]);
  });
});
