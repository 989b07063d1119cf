import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_RULES } from '../../src/domain/campaign/retry.js';
import { DEFAULT_SECOND_CONFIRMATION } from '../../src/domain/campaign/second-confirmation.js';
import { nextLead, type LeadState } from '../../src/domain/lead/lifecycle.js';
import { claimLeads, PgAttemptLedger } from '../../src/store/lead-ledger/index.js';
import { createTestDb, type TestDb } from '../support/db.js';

/** The attempt ledger over real Postgres: the hopper's order, and leads given back to their class. */
describe('attempt ledger: claim and give back', () => {
  let t: TestDb;
  let campaignId = 0;
  const now = new Date('2026-06-10T16:00:00Z');
  const min = (n: number) => new Date(now.getTime() + n * 60_000);
  let serial = 0;
  const phone = () => `+1212555${String(serial++).padStart(4, '0')}`;

  beforeAll(async () => {
    t = await createTestDb();
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'feed', name: 'Feed', purpose: 'care', status: 'active' })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
  });
  afterAll(async () => t?.drop());

  const insert = (rows: Record<string, unknown>[]) =>
    t
      .db('leads')
      .insert(rows.map((r) => ({ campaign_id: campaignId, phone_e164: phone(), timezone: 'UTC', ...r })))
      .returning<{ id: number }[]>('id');

  it('takes due callbacks first, then due retries, then fresh leads by list priority; nothing early', async () => {
    const fresh = await insert(Array.from({ length: 30 }, () => ({ status: 'new' })));
    const vip = await insert([{ status: 'new', priority: 10 }]);
    const retries = await insert([
      { status: 'scheduled', attempts: 1, next_attempt_at: min(-5) },
      { status: 'scheduled', attempts: 2, next_attempt_at: min(-30) },
    ]);
    const later = await insert([
      { status: 'scheduled', attempts: 1, next_attempt_at: min(5) },
      { status: 'callback', attempts: 1, next_attempt_at: min(60) },
    ]);
    const callbacks = await insert([
      { status: 'callback', attempts: 1, next_attempt_at: min(-1) },
      { status: 'callback', attempts: 3, next_attempt_at: min(-2) },
    ]);
    const before = await t
      .db('leads')
      .where({ campaign_id: campaignId })
      .select<{ id: number; status: LeadState; attempts: number; next_attempt_at: Date | null }[]>(
        'id',
        'status',
        'attempts',
        'next_attempt_at',
      );
    const claimed = await claimLeads(t.db, campaignId, 8, now);
    expect(claimed.map((c) => [c.attempt.leadId, c.priority])).toEqual([
      [callbacks[1]?.id, 1],
      [callbacks[0]?.id, 1],
      [retries[1]?.id, 2],
      [retries[0]?.id, 2],
      [vip[0]?.id, 3],
      [fresh[0]?.id, 3],
      [fresh[1]?.id, 3],
      [fresh[2]?.id, 3],
    ]);
    expect(claimed.map((c) => c.attempt.attempt)).toEqual([4, 2, 3, 2, 1, 1, 1, 1]);
    expect(claimed.map((c) => c.attempt.leadId)).not.toContain(later[0]?.id);
    // The bulk claim is the lifecycle's `claimed`, lead by lead.
    const after = await t
      .db('leads')
      .whereIn(
        'id',
        claimed.map((c) => c.attempt.leadId),
      )
      .select<{ id: number; status: string; attempts: number; next_attempt_at: Date | null }[]>(
        'id',
        'status',
        'attempts',
        'next_attempt_at',
      );
    for (const row of after) {
      const was = before.find((b) => b.id === row.id);
      if (!was) throw new Error(`lead ${row.id} was not there before`);
      const life = { status: was.status, attempts: was.attempts, nextAttemptAt: was.next_attempt_at };
      const expected = nextLead(life, { type: 'claimed', at: now });
      expect({ status: row.status, attempts: row.attempts, nextAttemptAt: row.next_attempt_at }).toEqual({
        status: expected.status,
        attempts: expected.attempts,
        nextAttemptAt: expected.nextAttemptAt,
      });
    }
    // A second claim never takes the same leads.
    const again = await claimLeads(t.db, campaignId, 100, now);
    const ids = new Set(claimed.map((c) => c.attempt.leadId));
    expect(again.filter((c) => ids.has(c.attempt.leadId))).toEqual([]);
    expect(again).toHaveLength(27);
    expect(again.map((c) => c.attempt.leadId)).not.toContain(later[1]?.id);
  });

  it('gives claimed leads back to their class, attempt returned', async () => {
    const [fresh] = await insert([{ status: 'new' }]);
    const [retry] = await insert([{ status: 'scheduled', attempts: 2, next_attempt_at: min(-3) }]);
    const [cb] = await insert([{ status: 'callback', attempts: 1, next_attempt_at: min(-1) }]);
    await t.db('callbacks').insert({ campaign_id: campaignId, lead_id: cb?.id, due_at: min(-1) });
    const mine = new Set([fresh?.id, retry?.id, cb?.id]);
    // Everything else was claimed above; these three are next.
    const claimed = (await claimLeads(t.db, campaignId, 10, now)).filter((c) => mine.has(c.attempt.leadId));
    expect(claimed).toHaveLength(3);
    const ledger = new PgAttemptLedger(t.db, campaignId, {
      maxAttempts: 5,
      retry: DEFAULT_RETRY_RULES,
      secondConfirmation: DEFAULT_SECOND_CONFIRMATION,
    });
    await ledger.returned(
      claimed.map((c) => c.attempt),
      now,
    );
    const rows = await t
      .db('leads')
      .whereIn('id', [fresh?.id ?? 0, retry?.id ?? 0, cb?.id ?? 0])
      .orderBy('id')
      .select<{ status: string; attempts: number; next_attempt_at: Date | null }[]>(
        'status',
        'attempts',
        'next_attempt_at',
      );
    expect(rows).toEqual([
      { status: 'new', attempts: 0, next_attempt_at: null },
      { status: 'scheduled', attempts: 2, next_attempt_at: min(-3) },
      { status: 'callback', attempts: 1, next_attempt_at: min(-1) },
    ]);
  });

  it('refuses a retry with no due time (the constraint the claim relies on)', async () => {
    await expect(insert([{ status: 'scheduled', attempts: 1, next_attempt_at: null }])).rejects.toThrow(
      /leads_due_has_time/,
    );
  });
});
