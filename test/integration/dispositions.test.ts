import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_RULES } from '../../src/domain/campaign/retry.js';
import { DEFAULT_SECOND_CONFIRMATION } from '../../src/domain/campaign/second-confirmation.js';
import { DispositionError } from '../../src/domain/disposition.js';
import { PgDispositionLog } from '../../src/store/dispositions.js';
import { PgAttemptLedger } from '../../src/store/lead-ledger/index.js';
import { createTestDb, type TestDb } from '../support/db.js';

describe('dispositions (real Postgres)', () => {
  let t: TestDb;
  let agentId: number;
  let otherAgent: number;
  let campaignId: number;
  const now = new Date('2026-11-24T15:00:00Z');
  let n = 0;

  const submitDisposition = (_db: unknown, callId: string, agent: number, body: unknown, at: Date) =>
    new PgDispositionLog(t.db).submit(callId, agent, body, at);

  /** A call an agent took; its end already applied to the lead (`done`) unless `live`. */
  async function call(live = false): Promise<{ callId: string; leadId: number; phone: string }> {
    n += 1;
    const phone = `+1555555${String(n).padStart(4, '0')}`;
    const [lead] = await t
      .db('leads')
      .insert({
        campaign_id: campaignId,
        phone_e164: phone,
        timezone: 'America/New_York',
        status: live ? 'dialling' : 'done',
        attempts: 1,
      })
      .returning<{ id: number }[]>('id');
    const callId = `c${campaignId}-l${lead?.id}-a1`;
    await t.db('calls').insert({
      id: callId,
      campaign_id: campaignId,
      lead_id: lead?.id,
      attempt: 1,
      phone_e164: phone,
      agent_id: agentId,
    });
    return { callId, leadId: lead?.id ?? 0, phone };
  }

  beforeAll(async () => {
    t = await createTestDb();
    const agents = await t
      .db('agents')
      .insert([
        { username: 'a1', display_name: 'A1' },
        { username: 'a2', display_name: 'A2' },
      ])
      .returning<{ id: number }[]>('id');
    agentId = agents[0]?.id ?? 0;
    otherAgent = agents[1]?.id ?? 0;
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'd', name: 'D', purpose: 'marketing' })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
  });
  afterAll(async () => {
    await t.drop();
  });

  it('stores the disposition and writes an audit record', async () => {
    const { callId } = await call();
    await submitDisposition(t.db, callId, agentId, { code: 'not-interested', notes: 'price' }, now);
    expect(await t.db('dispositions').where({ call_id: callId }).first()).toMatchObject({
      code: 'not-interested',
      notes: 'price',
    });
    expect(await t.db('audit_log').where({ entity_id: callId }).first()).toMatchObject({
      action: 'disposition',
    });
  });

  it('refuses a second disposition, another agent, and an unknown code, naming the field', async () => {
    const { callId } = await call();
    await submitDisposition(t.db, callId, agentId, { code: 'completed' }, now);
    await expect(submitDisposition(t.db, callId, agentId, { code: 'completed' }, now)).rejects.toMatchObject({
      status: 409,
    });
    const second = await call();
    await expect(
      submitDisposition(t.db, second.callId, otherAgent, { code: 'completed' }, now),
    ).rejects.toMatchObject({ status: 409 });
    await expect(submitDisposition(t.db, second.callId, agentId, { code: 'maybe' }, now)).rejects.toThrow(
      /^code: "maybe"/,
    );
    await expect(
      submitDisposition(t.db, second.callId, agentId, { code: 'sale', satisfaction: 9 }, now),
    ).rejects.toThrow(/satisfaction: /);
  });

  it('refuses a sale without the two-step confirmation', async () => {
    const { callId } = await call();
    const err = await submitDisposition(
      t.db,
      callId,
      agentId,
      { code: 'sale', consent: { firstConfirmation: true } },
      now,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DispositionError);
    expect(await t.db('dispositions').where({ call_id: callId }).first()).toBeUndefined();
  });

  it('adds a DNC entry of the campaign purpose type and stops the lead', async () => {
    const { callId, leadId, phone } = await call();
    await submitDisposition(t.db, callId, agentId, { code: 'not-interested', dncRequested: true }, now);
    expect(await t.db('dnc_entries').where({ phone_e164: phone }).first()).toMatchObject({
      type: 'marketing',
      source: 'agent',
      call_id: callId,
    });
    expect(await t.db('leads').where({ id: leadId }).first()).toMatchObject({ status: 'dnc' });
  });

  it('schedules an agent-owned callback and a second-confirmation call before the trial ends', async () => {
    const { callId, leadId } = await call();
    const at = new Date('2026-11-25T10:00:00Z');
    await submitDisposition(
      t.db,
      callId,
      agentId,
      { code: 'callback', callbackAt: at.toISOString(), callbackOwner: 'agent' },
      now,
    );
    expect(await t.db('callbacks').where({ lead_id: leadId }).first()).toMatchObject({
      kind: 'callback',
      agent_id: agentId,
    });
    expect(await t.db('leads').where({ id: leadId }).first()).toMatchObject({
      status: 'callback',
      next_attempt_at: at,
    });
    const sale = await call();
    await submitDisposition(
      t.db,
      sale.callId,
      agentId,
      {
        code: 'sale',
        consent: { firstConfirmation: true, secondConfirmation: true },
        trialEndsAt: '2026-12-24T00:00:00Z',
      },
      now,
    );
    expect(await t.db('callbacks').where({ lead_id: sale.leadId }).first()).toMatchObject({
      kind: 'second-confirmation',
      due_at: new Date('2026-12-22T00:00:00Z'),
    });
    // The sale's lead waits for its confirmation call: the hopper claims it when it falls due.
    expect(await t.db('leads').where({ id: sale.leadId }).first()).toMatchObject({
      status: 'callback',
      next_attempt_at: new Date('2026-12-22T00:00:00Z'),
    });
  });

  it('a trial sale refuses a trial end in the past, naming the field', async () => {
    const { callId } = await call();
    const consent = { firstConfirmation: true, secondConfirmation: true };
    await expect(
      submitDisposition(t.db, callId, agentId, { code: 'sale', consent, trialEndsAt: '2026-11-01' }, now),
    ).rejects.toThrow(/^trialEndsAt: /);
  });

  it('given while the call is still up: DNC at once; a callback when the call ends', async () => {
    const ledger = new PgAttemptLedger(t.db, campaignId, {
      maxAttempts: 3,
      retry: DEFAULT_RETRY_RULES,
      secondConfirmation: DEFAULT_SECOND_CONFIRMATION,
    });
    const dnc = await call(true);
    await submitDisposition(t.db, dnc.callId, agentId, { code: 'do-not-call' }, now);
    expect(await t.db('leads').where({ id: dnc.leadId }).first()).toMatchObject({ status: 'dnc' });
    // The audit says what happened: the code put the number on the DNC list (was "dnc": false).
    expect(
      await t
        .db('audit_log')
        .where({ action: 'disposition', entity_id: dnc.callId })
        .first('actor', 'details'),
    ).toMatchObject({ actor: `agent:${agentId}`, details: { code: 'do-not-call', dnc: true, agentId } });
    const byKey = await call(true);
    await new PgDispositionLog(t.db).submit(
      byKey.callId,
      agentId,
      { code: 'not-interested' },
      now,
      'user:sue',
    );
    expect(
      await t
        .db('audit_log')
        .where({ action: 'disposition', entity_id: byKey.callId })
        .first('actor', 'details'),
    ).toMatchObject({ actor: 'user:sue', details: { dnc: false, agentId } });

    const cb = await call(true);
    const at = new Date('2026-11-26T10:00:00Z');
    await submitDisposition(
      t.db,
      cb.callId,
      agentId,
      { code: 'callback', callbackAt: at.toISOString() },
      now,
    );
    expect(await t.db('leads').where({ id: cb.leadId }).first()).toMatchObject({ status: 'dialling' });
    const talked = { leadId: cb.leadId, attempt: 1, abandoned: false, liveAnswer: true, agentId } as const;
    await ledger.ended({ ...talked, callId: cb.callId, outcome: 'answered' }, now, 'finished');
    expect(await t.db('leads').where({ id: cb.leadId }).first()).toMatchObject({
      status: 'callback',
      next_attempt_at: at,
    });
    await ledger.ended(
      { ...talked, callId: dnc.callId, leadId: dnc.leadId, outcome: 'answered' },
      now,
      'finished',
    );
    expect(await t.db('leads').where({ id: dnc.leadId }).first()).toMatchObject({ status: 'dnc' });

    const wrong = await call(true);
    await submitDisposition(t.db, wrong.callId, agentId, { code: 'wrong-party' }, now);
    await ledger.ended(
      { ...talked, callId: wrong.callId, leadId: wrong.leadId, outcome: 'answered' },
      now,
      'finished',
    );
    expect(await t.db('leads').where({ id: wrong.leadId }).first()).toMatchObject({
      status: 'scheduled',
      next_attempt_at: new Date(now.getTime() + 86_400_000),
    });
  });
});
