import { afterAll, beforeAll, expect, it } from 'vitest';
import { diagnoseCampaign } from '../../src/diagnosis/campaign-diagnosis.js';
import { PgComplianceGate } from '../../src/store/gate-facts.js';
import { claimLeads, PgAttemptLedger } from '../../src/store/lead-ledger/index.js';
import { createCampaign, getCampaign, rulesOf } from '../../src/store/repositories/campaigns.js';
import { addDnc, addToBlacklist } from '../../src/store/repositories/dnc.js';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

// 12:00 in New York, 09:00 in Los Angeles, 00:00 in Shanghai.
const NOW = new Date('2026-06-10T16:00:00Z');

it('explains which leads are eligible and why the others are not, in the gate’s own words', async () => {
  const c = await createCampaign(t.db, { code: 'doc', name: 'Doctor', purpose: 'marketing', maxAttempts: 3 });
  const other = await createCampaign(t.db, { code: 'doc-2', name: 'Other', purpose: 'marketing' });
  const ny = { campaign_id: c.id, timezone: 'America/New_York' };
  await t.db('leads').insert([
    { ...ny, phone_e164: '+12125550001' }, // eligible
    { ...ny, phone_e164: '+12125550002' }, // eligible
    { ...ny, phone_e164: '+12125550003', status: 'done' },
    { ...ny, phone_e164: '+12125550004' }, // DNC marketing
    { ...ny, phone_e164: '+12125550005' }, // blacklist
    { ...ny, phone_e164: '+12125550006', attempts: 3 }, // three calls made (below)
    { ...ny, phone_e164: '+12125550007', next_attempt_at: new Date(NOW.getTime() + 3_600_000) },
    { ...ny, phone_e164: '+12125550008' }, // contacted by the other campaign
    { campaign_id: c.id, timezone: 'Asia/Shanghai', phone_e164: '+8613800138000' }, // midnight there
  ]);
  await t.db('leads').insert({
    campaign_id: other.id,
    timezone: 'America/New_York',
    phone_e164: '+12125550008',
    last_contact_at: new Date(NOW.getTime() - 86_400_000),
  });
  const [spent] = await t.db('leads').where({ phone_e164: '+12125550006' }).pluck<number[]>('id');
  await t.db('calls').insert(
    [1, 2, 3].map((attempt) => ({
      id: `c${c.id}-l${spent}-a${attempt}`,
      campaign_id: c.id,
      lead_id: spent,
      attempt,
      phone_e164: '+12125550006',
      reserved_at: new Date(NOW.getTime() - (10 + attempt) * 86_400_000),
    })),
  );
  await addDnc(t.db, { phone: '+12125550004', type: 'marketing', source: 'test', actor: 'test' });
  await addToBlacklist(t.db, { phone: '+12125550005', reason: 'complaint', actor: 'test' });

  const draft = await diagnoseCampaign(t.db, 'doc', NOW, { readyAgents: 0 });
  expect(draft).toMatchObject({
    totalLeads: 9,
    eligibleNow: 2,
    ineligible: {
      completed: 1,
      'dnc:marketing': 1,
      blacklist: 1,
      'max-attempts': 1,
      'scheduled-later': 1,
      'frequency-cap': 1,
      'outside-window': 1,
    },
    windowOpensAt: new Date('2026-06-11T00:00:00Z'),
  });
  expect(draft.problems).toEqual([
    'the campaign is draft; only trial and active campaigns dial',
    'no agent is ready',
  ]);

  await t.db('campaigns').where({ id: c.id }).update({ status: 'active' });
  const active = await diagnoseCampaign(t.db, c.id, NOW, { readyAgents: 4, pbxHealthy: true });
  expect(active.problems).toEqual([]);

  // 23:00 in New York, 11:00 in Shanghai.
  const night = await diagnoseCampaign(t.db, c.id, new Date('2026-06-11T03:00:00Z'));
  expect(night).toMatchObject({ eligibleNow: 1, ineligible: { 'outside-window': 3 } }); // incl. the retry that fell due
  await t.db('leads').where({ phone_e164: '+8613800138000' }).update({ status: 'done' });
  const none = await diagnoseCampaign(t.db, c.id, new Date('2026-06-11T03:00:00Z'));
  expect(none.eligibleNow).toBe(0);
  expect(none.problems).toEqual([
    'no lead is eligible now; most are blocked by outside-window (3, the first may be dialled at 2026-06-11T12:00:00.000Z)',
    'the calling window next opens at 2026-06-11T12:00:00.000Z',
  ]);
});

it('after a run, counts each rule from the stored refusals (as exact as before), per time zone', async () => {
  const c = await createCampaign(t.db, { code: 'doc-run', name: 'After', purpose: 'marketing' });
  await t.db('campaigns').where({ id: c.id }).update({ status: 'active' });
  const lead = (phone: string, timezone: string) => ({ campaign_id: c.id, phone_e164: phone, timezone });
  await t.db('leads').insert([
    lead('+12125551001', 'America/New_York'), // allowed
    lead('+12125551002', 'America/New_York'), // DNC (national)
    lead('+12125551003', 'America/New_York'), // blacklist
    lead('+12125551004', 'America/New_York'), // frequency cap (the other campaign)
    lead('+8613800138001', 'Asia/Shanghai'), // midnight there
    lead('+8613800138002', 'Asia/Shanghai'),
    lead('+81312345678', 'Asia/Tokyo'), // 01:00 there
  ]);
  const other = await createCampaign(t.db, { code: 'doc-run-2', name: 'Other', purpose: 'marketing' });
  await t.db('leads').insert({
    ...lead('+12125551004', 'America/New_York'),
    campaign_id: other.id,
    last_contact_at: new Date(NOW.getTime() - 86_400_000),
  });
  await addDnc(t.db, { phone: '+12125551002', type: 'all', source: 'test', actor: 'test' });
  await addToBlacklist(t.db, { phone: '+12125551003', reason: 'complaint', actor: 'test' });

  const before = await diagnoseCampaign(t.db, c.id, NOW);
  // Run: every lead claimed and put to the gate; the refused ones are stored by the ledger.
  const ledger = new PgAttemptLedger(t.db, c.id, rulesOf(await getCampaign(t.db, c.id)));
  const gate = new PgComplianceGate(t.db);
  for (const { attempt } of await claimLeads(t.db, c.id, 10, NOW)) {
    const v = await gate.check(attempt, NOW);
    if (!v.allowed) await ledger.refused(attempt, v, NOW);
    else await ledger.returned([attempt], NOW); // (the allowed one is not dialled here)
  }
  const after = await diagnoseCampaign(t.db, c.id, new Date(NOW.getTime() + 60_000));

  const stored = await t
    .db('gate_refusals')
    .where({ campaign_id: c.id })
    .groupBy('reason')
    .select<{ reason: string; n: number }[]>('reason', t.db.raw('count(*)::int as n'));
  const storedCounts = Object.fromEntries(stored.map((r) => [r.reason, r.n]));
  expect(storedCounts).toEqual({ 'dnc:all': 1, blacklist: 1, 'frequency-cap': 1, 'outside-window': 3 });
  for (const d of [before, after]) expect(d.ineligible).toEqual(storedCounts);
  expect(after.eligibleNow).toBe(1);
  expect(before.waits.every((w) => w.fromStoredRefusals === 0)).toBe(true);
  // The refusals that ended or rescheduled a lead are read back; a cap the gate still sees is its answer.
  const fromStored = Object.fromEntries(after.waits.map((w) => [w.rule, w.fromStoredRefusals]));
  expect(fromStored).toEqual({ 'dnc:all': 1, blacklist: 1, 'frequency-cap': 0, 'outside-window': 3 });
  const at = (d: typeof after) => Object.fromEntries(d.waits.map((w) => [w.rule, w.nextEligibleAt]));
  expect(at(after)).toEqual(at(before));
  expect(at(after)).toMatchObject({
    'frequency-cap': new Date('2026-07-09T16:00:00Z'), // the last contact + 30 days (default cap)
    'outside-window': new Date('2026-06-10T23:00:00Z'), // 08:00 in Tokyo
    blacklist: null,
  });
  const zones = [
    { timezone: 'Asia/Tokyo', leads: 1, opensAt: new Date('2026-06-10T23:00:00Z') },
    { timezone: 'Asia/Shanghai', leads: 2, opensAt: new Date('2026-06-11T00:00:00Z') },
  ];
  expect(before.windowOpens).toEqual(zones);
  expect(after.windowOpens).toEqual(zones);
  expect(after.windowOpensAt).toEqual(new Date('2026-06-10T23:00:00Z'));
});

it('says from stored calls that the trunk is refusing calls (5 failures in a row), and stops once one is routed', async () => {
  const c = await createCampaign(t.db, { code: 'doc-503', name: 'Trunk 503', purpose: 'care' });
  await t.db('campaigns').where({ id: c.id }).update({ status: 'active', trunk: 'carrier-a' });
  const [lead] = await t
    .db('leads')
    .insert({ campaign_id: c.id, timezone: 'UTC', phone_e164: '+12125550100' })
    .returning<{ id: number }[]>('id');
  const call = (attempt: number, outcome: string) => ({
    id: `c${c.id}-l${lead?.id}-a${attempt}`,
    campaign_id: c.id,
    lead_id: lead?.id,
    attempt,
    phone_e164: '+12125550100',
    reserved_at: new Date(NOW.getTime() - 60_000 + attempt * 1_000),
    ended_at: new Date(NOW.getTime() - 59_000 + attempt * 1_000),
    outcome,
  });
  await t.db('calls').insert([call(1, 'busy'), ...[2, 3, 4, 5].map((a) => call(a, 'congestion'))]);
  const four = await diagnoseCampaign(t.db, c.id, NOW);
  expect(four).toMatchObject({ trunk: 'carrier-a', trunkFailuresInRow: 4 });
  expect(four.problems.join('\n')).not.toMatch(/refusing/);
  await t.db('calls').insert(call(6, 'failed'));
  const five = await diagnoseCampaign(t.db, c.id, NOW);
  expect(five.problems).toContain(
    'the last 5 calls on trunk carrier-a all failed (congestion — SIP 503 — or a network failure): the carrier is ' +
      "refusing calls; a running dialler pauses the trunk and tries one test call at a time (trunks[].backoff); check the carrier or the trunk's registration",
  );
  await t.db('calls').insert(call(7, 'no-answer'));
  expect((await diagnoseCampaign(t.db, c.id, NOW)).trunkFailuresInRow).toBe(0);
});
