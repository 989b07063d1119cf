import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { EngineRegistry } from '../../src/engine/registry.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { carrierLogOffset, dialogsAtCarrier, labSettings } from '../support/lab.js';
import { assignAllAgents } from '../support/accounts.js';

interface CallRow {
  id: string;
  lead_id: number;
  attempt: number;
  outcome: string | null;
  reserved_at: Date;
  bridged_at: Date | null;
  ended_at: Date | null;
  agent_id: number | null;
}
interface CallbackRow {
  id: number;
  kind: string;
  status: string;
  due_at: Date;
  trial_ends_at: Date | null;
  extended: boolean;
  call_id: string | null;
}

const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/**
 * A sale on a trial product, end to end on the lab: the agent's disposition schedules the second
 * confirmation by the campaign's policy (here: call 48 h before the trial ends, extend once by
 * one day), the engine dials it when it falls due, and the three ways it can end are stored —
 * reached (done, tied to its call), not reached before the trial ends (extended once, called
 * again) and not reached after the extension (missed, the product must not be charged).
 *
 * The lab's far ends behave by number, so "the customer no longer answers" is modelled by the
 * lead's number moving to a busy line after the sale call.
 */
describe('engine, second confirmation of a trial sale, on the lab', () => {
  let t: TestDb;
  let app: App;
  let pbx: AriDriver;
  let registry: EngineRegistry;
  let campaignId = 0;
  let logOffset = 0;
  // Area 289 is used by no other lab test: the carrier log speaks only of this one.
  const reachedNumber = labNumber(9, 3, 1, 289);
  const unreachedSaleNumber = labNumber(9, 3, 2, 289);
  const busyLine = labNumber(1, 0, 3, 289);
  const leads = { reached: 0, unreached: 0 };
  const agentNames = new Map<number, string>();

  const callsOf = (leadId: number) =>
    t.db('calls').where({ lead_id: leadId }).orderBy('attempt').select<CallRow[]>('*');
  const callbacksOf = (leadId: number) =>
    t.db('callbacks').where({ lead_id: leadId }).orderBy('id').select<CallbackRow[]>('*');

  beforeAll(async () => {
    t = await createTestDb();
    const made = engineTestApp(t, 'trial-confirm', {
      driver: (logger) => new AriDriver({ ...labSettings().ari, app: `e2e-trial-${process.pid}` }, logger),
    });
    app = made.app;
    pbx = await made.pbx();
    const agents = await t
      .db('agents')
      .insert([
        { username: 'agent5', display_name: 'A5', sip_endpoint: 'PJSIP/agent5' },
        { username: 'agent6', display_name: 'A6', sip_endpoint: 'PJSIP/agent6' },
      ])
      .returning<{ id: number; username: string }[]>(['id', 'username']);
    for (const a of agents) agentNames.set(a.id, a.username);
    campaignId = 100_000 + Math.floor(Math.random() * 1e8);
    await t.db('campaigns').insert({
      id: campaignId,
      code: `trial-${campaignId}`,
      name: 'Trial confirmation e2e',
      status: 'active',
      purpose: 'marketing',
      dial_mode: 'progressive',
      trunk: 'lab-carrier',
      // The sale is attempt 1; the retry rules give up on a busy line at attempt 2.
      max_attempts: 2,
      settings: {
        // Wrap-up outlasts the test's disposition, so each agent is freed by disposing.
        engine: { ringTimeoutSec: 15, wrapUpSec: 120, amd: false },
        window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
        secondConfirmation: { leadHours: 48, extensionDays: 1 },
      },
    });
    const rows = await t
      .db('leads')
      .insert([
        { campaign_id: campaignId, phone_e164: reachedNumber, timezone: 'UTC' },
        { campaign_id: campaignId, phone_e164: unreachedSaleNumber, timezone: 'UTC' },
      ])
      .returning<{ id: number; phone_e164: string }[]>(['id', 'phone_e164']);
    leads.reached = rows.find((r) => r.phone_e164 === reachedNumber)?.id ?? 0;
    leads.unreached = rows.find((r) => r.phone_e164 === unreachedSaleNumber)?.id ?? 0;
    logOffset = carrierLogOffset(labSettings());
    registry = app.engines();
    await registry.start(campaignId);
    await assignAllAgents(t.db, campaignId);
    await registry.login('agent5', campaignId);
    await registry.login('agent6', campaignId);
  });

  afterAll(async () => {
    await registry?.stopAll(5_000);
    await pbx?.close();
    await app?.close();
    await t?.drop();
  });

  /** The lead's sale call, once the customer has hung up on the agent. */
  async function saleCall(leadId: number): Promise<CallRow> {
    return until(`the sale call of lead ${leadId}`, async () => {
      const [c] = await callsOf(leadId);
      return c?.ended_at && c.bridged_at && c.agent_id ? c : undefined;
    });
  }

  async function sell(call: CallRow, trialEndsAt: Date): Promise<void> {
    await registry.dispose(agentNames.get(call.agent_id ?? 0) ?? '', call.id, {
      code: 'sale',
      consent: { rightParty: true, firstConfirmation: true, secondConfirmation: true, restated: true },
      sale: { product: 'broadband-trial' },
      trialEndsAt: trialEndsAt.toISOString(),
    });
  }

  it('reached: the confirmation is dialled when due (by the policy, not before), bridged and done', async () => {
    const sale = await saleCall(leads.reached);
    // Due 48 h before the trial ends: 15 s from now.
    const trialEndsAt = new Date(Date.now() + 48 * HOUR + 15_000);
    await sell(sale, trialEndsAt);
    const [cb] = await callbacksOf(leads.reached);
    expect(cb).toMatchObject({ kind: 'second-confirmation', status: 'pending', extended: false });
    expect(cb?.due_at).toEqual(new Date(trialEndsAt.getTime() - 48 * HOUR));
    expect(await t.db('leads').where({ id: leads.reached }).first('status')).toEqual({ status: 'callback' });

    const confirmation = await until('the confirmation call', async () => {
      const c = (await callsOf(leads.reached))[1];
      return c?.ended_at ? c : undefined;
    });
    expect(confirmation.reserved_at.getTime()).toBeGreaterThanOrEqual(cb?.due_at.getTime() ?? Infinity);
    expect(confirmation.outcome).toBe('answered');
    expect(confirmation.bridged_at).not.toBeNull();
    const done = await until('the confirmation marked done', async () => {
      const [c] = await callbacksOf(leads.reached);
      return c?.status === 'done' ? c : undefined;
    });
    expect(done.call_id).toBe(confirmation.id);
    expect(await t.db('leads').where({ id: leads.reached }).first('status')).toEqual({ status: 'done' });
    const audit = await t
      .db('audit_log')
      .where({ entity: 'lead', entity_id: String(leads.reached) })
      .pluck<string[]>('action');
    expect(audit).toContain('second-confirmation-reached');
    await registry.dispose(agentNames.get(confirmation.agent_id ?? 0) ?? '', confirmation.id, {
      code: 'completed',
      notes: 'customer confirmed the trial product',
    });
  });

  it('not reached: extended once and called again, then missed — chargeAllowed false', async () => {
    const sale = await saleCall(leads.unreached);
    await t.db('leads').where({ id: leads.unreached }).update({ phone_e164: busyLine });
    // Ends in 20 minutes: due at once (the policy's 48 h are already inside the trial).
    const trialEndsAt = new Date(Date.now() + 20 * 60_000);
    await sell(sale, trialEndsAt);

    const cbs = await until('the extended confirmation missed too', async () => {
      const rows = await callbacksOf(leads.unreached);
      return rows.length === 2 && rows.every((r) => r.status === 'missed') ? rows : undefined;
    });
    expect(cbs.map((c) => [c.kind, c.extended])).toEqual([
      ['second-confirmation', false],
      ['second-confirmation', true],
    ]);
    // The one extension is the policy's day.
    expect(cbs[1]?.trial_ends_at).toEqual(new Date(trialEndsAt.getTime() + 24 * HOUR));
    const calls = await callsOf(leads.unreached);
    expect(calls.map((c) => c.outcome)).toEqual(['answered', 'busy', 'busy']);
    expect(calls[2]?.reserved_at.getTime()).toBeGreaterThanOrEqual(cbs[1]?.due_at.getTime() ?? Infinity);
    expect(await t.db('leads').where({ id: leads.unreached }).first('status', 'next_attempt_at')).toEqual({
      status: 'done',
      next_attempt_at: null,
    });
    const audit = await t
      .db('audit_log')
      .where({ entity: 'lead', entity_id: String(leads.unreached) })
      .orderBy('id')
      .select<{ action: string; details: Record<string, unknown> }[]>('action', 'details');
    const trail = audit.filter((a) => a.action.startsWith('second-confirmation'));
    expect(trail.map((a) => a.action)).toEqual([
      'second-confirmation-extended',
      'second-confirmation-missed',
    ]);
    expect(trail[1]?.details['chargeAllowed']).toBe(false);
  });

  it('the carrier saw each confirmation as its own call, and nothing else', () => {
    const dialogs = dialogsAtCarrier(labSettings(), logOffset);
    expect(dialogs.get(reachedNumber)?.size).toBe(2);
    expect(dialogs.get(unreachedSaleNumber)?.size).toBe(1);
    expect(dialogs.get(busyLine)?.size).toBe(2);
  });
});
