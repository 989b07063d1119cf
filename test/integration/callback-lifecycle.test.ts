import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptResult } from '../../src/domain/attempt.js';
import { DEFAULT_RETRY_RULES } from '../../src/domain/campaign/retry.js';
import { DEFAULT_SECOND_CONFIRMATION } from '../../src/domain/campaign/second-confirmation.js';
import {
  PgAttemptLedger,
  scheduleCallback,
  scheduleTrialConfirmation,
} from '../../src/store/lead-ledger/index.js';
import { createTestDb, type TestDb } from '../support/db.js';

interface LeadRow {
  status: string;
  next_attempt_at: Date | null;
}
interface CallbackRow {
  kind: string;
  status: string;
  call_id: string | null;
  extended: boolean;
  due_at: Date;
}

/** Callbacks and second confirmations across attempts, as the attempt ledger applies them (real Postgres). */
describe('scheduled calls across attempts', () => {
  let t: TestDb;
  let campaignId = 0;
  let agentId = 0;
  let n = 0;
  const ledger = () =>
    new PgAttemptLedger(t.db, campaignId, {
      maxAttempts: 5,
      retry: DEFAULT_RETRY_RULES,
      secondConfirmation: DEFAULT_SECOND_CONFIRMATION,
    });
  /** The feeder claimed the lead for attempt `a` (what claimLeads does to it). */
  const claimed = (leadId: number, a: number) =>
    t.db('leads').where({ id: leadId }).update({ status: 'dialling', attempts: a });
  /** Attempt `a` was dialled and ended at `at`. */
  const ended = async (leadId: number, a: number, over: Partial<AttemptResult>, at: Date) => {
    await claimed(leadId, a);
    await ledger().ended(attempt(leadId, a, over), at, 'finished');
  };
  const refused = async (leadId: number, reason: string, at: Date, nextEligibleAt?: Date) => {
    await claimed(leadId, 1);
    const a = { callId: `c${campaignId}-l${leadId}-a1`, campaignId, leadId, attempt: 1, phone: '+1' };
    await ledger().refused(a, { allowed: false, reason, nextEligibleAt }, at);
  };

  async function lead(): Promise<number> {
    n += 1;
    const [l] = await t
      .db('leads')
      .insert({
        campaign_id: campaignId,
        phone_e164: `+1212555${String(n).padStart(4, '0')}`,
        timezone: 'UTC',
      })
      .returning<{ id: number }[]>('id');
    return l?.id ?? 0;
  }
  const attempt = (leadId: number, a: number, over: Partial<AttemptResult>): AttemptResult => ({
    callId: `c${campaignId}-l${leadId}-a${a}`,
    leadId,
    attempt: a,
    outcome: 'no-answer',
    abandoned: false,
    liveAnswer: false,
    ...over,
  });
  const leadRow = (id: number) => t.db('leads').where({ id }).first<LeadRow>('status', 'next_attempt_at');
  const callbacks = (leadId: number) =>
    t
      .db('callbacks')
      .where({ lead_id: leadId })
      .orderBy('id')
      .select<CallbackRow[]>('kind', 'status', 'call_id', 'extended', 'due_at');

  beforeAll(async () => {
    t = await createTestDb();
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'cb', name: 'CB', purpose: 'care', status: 'active' })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
    const [a] = await t
      .db('agents')
      .insert({ username: 'a1', display_name: 'A1' })
      .returning<{ id: number }[]>('id');
    agentId = a?.id ?? 0;
  });
  afterAll(async () => t?.drop());

  it('an unanswered callback stays a callback (retried first), then completes when the customer is reached', async () => {
    const id = await lead();
    const due = new Date('2026-06-10T15:00:00Z');
    await scheduleCallback(t.db, { campaignId, leadId: id, dueAt: due, agentId });
    const at = new Date('2026-06-10T15:00:30Z');
    await ended(id, 1, { outcome: 'no-answer' }, at);
    expect(await leadRow(id)).toEqual({
      status: 'callback',
      next_attempt_at: new Date(at.getTime() + 60 * 60_000),
    });
    expect((await callbacks(id)).map((c) => c.status)).toEqual(['pending']);

    const later = new Date('2026-06-10T16:01:00Z');
    await ended(id, 2, { outcome: 'answered', liveAnswer: true, agentId }, later);
    expect((await leadRow(id)).status).toBe('done');
    expect(await callbacks(id)).toMatchObject([{ status: 'done', call_id: `c${campaignId}-l${id}-a2` }]);
  });

  it('a callback the gate refuses (outside the window) keeps its callback status and time', async () => {
    const id = await lead();
    await scheduleCallback(t.db, { campaignId, leadId: id, dueAt: new Date('2026-06-10T15:00:00Z') });
    const opens = new Date('2026-06-11T12:00:00Z');
    await refused(id, 'outside-window', new Date('2026-06-10T15:01:00Z'), opens);
    expect(await leadRow(id)).toEqual({ status: 'callback', next_attempt_at: opens });
    expect((await callbacks(id)).map((c) => c.status)).toEqual(['pending']);
  });

  it('a callback whose number went on the DNC list ends with the lead', async () => {
    const id = await lead();
    await scheduleCallback(t.db, { campaignId, leadId: id, dueAt: new Date('2026-06-10T15:00:00Z') });
    await refused(id, 'dnc:care', new Date('2026-06-10T15:01:00Z'));
    expect((await leadRow(id)).status).toBe('dnc');
    expect((await callbacks(id)).map((c) => c.status)).toEqual(['missed']);
  });

  it('a second confirmation not reached before the trial ends is extended once, then missed: no charge', async () => {
    const id = await lead();
    const now = new Date('2026-06-01T16:00:00Z');
    const trialEndsAt = new Date('2026-06-15T16:00:00Z');
    await scheduleTrialConfirmation(t.db, { campaignId, leadId: id, trialEndsAt, now });
    // 13 June 16:00 (48 h before): busy, retried in 10 min — still before the trial end.
    const first = new Date('2026-06-13T16:00:05Z');
    await ended(id, 1, { outcome: 'busy' }, first);
    expect((await leadRow(id)).status).toBe('callback');
    // 15 June 15:30: no answer; the next try (in 60 min) would be after the trial end → extend.
    await ended(id, 2, { outcome: 'no-answer' }, new Date('2026-06-15T15:30:00Z'));
    let cbs = await callbacks(id);
    expect(cbs.map((c) => [c.status, c.extended])).toEqual([
      ['missed', false],
      ['pending', true],
    ]);
    expect(cbs[1]?.due_at).toEqual(new Date('2026-06-20T16:00:00Z'));
    expect(await leadRow(id)).toEqual({
      status: 'callback',
      next_attempt_at: new Date('2026-06-20T16:00:00Z'),
    });
    // The extended call is not reached either, and the rules give up: missed for good.
    await ended(id, 5, { outcome: 'no-answer' }, new Date('2026-06-20T16:00:10Z'));
    cbs = await callbacks(id);
    expect(cbs.map((c) => c.status)).toEqual(['missed', 'missed']);
    expect(await leadRow(id)).toEqual({ status: 'done', next_attempt_at: null });
    const audit = await t
      .db('audit_log')
      .where({ entity: 'lead', entity_id: String(id) })
      .orderBy('id')
      .select<{ action: string; details: { chargeAllowed?: boolean } }[]>('action', 'details');
    expect(audit.map((a) => a.action)).toEqual([
      'second-confirmation-extended',
      'second-confirmation-missed',
    ]);
    expect(audit[1]?.details.chargeAllowed).toBe(false);
  });
});
