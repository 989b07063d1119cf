import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgComplianceGate } from '../../src/store/gate-facts.js';
import {
  dueCallbacks,
  PgAttemptLedger,
  scheduleTrialConfirmation,
} from '../../src/store/lead-ledger/index.js';
import { createCampaign, rulesOf } from '../../src/store/repositories/campaigns.js';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

it('a second-confirmation call is scheduled before the trial ends, extended once, then missed', async () => {
  const c = await createCampaign(t.db, { code: 'trial', name: 'Trial product', purpose: 'marketing' });
  await t.db('campaigns').where({ id: c.id }).update({ status: 'active' });
  const [lead] = await t
    .db('leads')
    .insert({ campaign_id: c.id, phone_e164: '+12125551234', timezone: 'America/New_York' })
    .returning<{ id: number }[]>('id');
  const now = new Date('2026-06-01T16:00:00Z');
  const trialEndsAt = new Date('2026-06-15T16:00:00Z');
  const id = await scheduleTrialConfirmation(t.db, { campaignId: c.id, leadId: lead!.id, trialEndsAt, now });

  const due = new Date('2026-06-13T16:00:00Z');
  // The gate holds the lead until the call is due.
  const gate = new PgComplianceGate(t.db);
  expect(await gate.check({ leadId: lead!.id }, now)).toEqual({
    allowed: false,
    reason: 'callback-later',
    nextEligibleAt: due,
    facts: { timezone: 'America/New_York', attempts: 0, callbackDueAt: due.toISOString() },
  });
  expect(await dueCallbacks(t.db, c.id, now)).toEqual([]);
  expect((await dueCallbacks(t.db, c.id, due)).map((r) => [r.id, r.kind])).toEqual([
    [id, 'second-confirmation'],
  ]);

  // Not reached before the trial ends (the next try would come after it): extended once by the
  // policy's 7 days; not reached before the extended trial ends either: missed.
  const ledger = new PgAttemptLedger(t.db, c.id, rulesOf(c));
  const leadId = lead!.id;
  const miss = async (attempt: number, at: Date) => {
    await t.db('leads').where({ id: leadId }).update({ status: 'dialling', attempts: attempt });
    const callId = `c${c.id}-l${leadId}-a${attempt}`;
    const r = { callId, leadId, attempt, outcome: 'no-answer', abandoned: false, liveAnswer: false } as const;
    await ledger.ended(r, at, 'finished');
  };
  await miss(1, new Date('2026-06-15T15:30:00Z'));
  const extended = await t
    .db('callbacks')
    .where({ lead_id: leadId, status: 'pending' })
    .first<{ extended: boolean; trial_ends_at: Date }>();
  expect(extended).toMatchObject({ extended: true, trial_ends_at: new Date('2026-06-22T16:00:00Z') });
  await miss(2, new Date('2026-06-22T15:30:00Z'));
  const rows = await t.db('callbacks').orderBy('id').select('status', 'extended');
  expect(rows).toEqual([
    { status: 'missed', extended: false },
    { status: 'missed', extended: true },
  ]);
});
