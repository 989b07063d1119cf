import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateVerdict } from '../../src/domain/attempt.js';
import type { GatePort } from '../../src/ports/gate.js';
import { PgComplianceGate } from '../../src/store/gate-facts.js';
import { createCampaign } from '../../src/store/repositories/campaigns.js';
import { addDnc, addToBlacklist, removeDnc } from '../../src/store/repositories/dnc.js';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
// Typed as the engine's port: this file stops compiling if the two drift apart.
let gate: GatePort & PgComplianceGate;
// Wednesday 12:00 in New York.
const NOW = new Date('2026-06-10T16:00:00Z');
const PHONE = '+12125551234';

async function campaign(code: string, over: Record<string, unknown> = {}): Promise<number> {
  const c = await createCampaign(t.db, { code, name: code, purpose: 'marketing', ...over });
  await t.db('campaigns').where({ id: c.id }).update({ status: 'active' });
  return c.id;
}

async function lead(campaignId: number, phone = PHONE, extra: Record<string, unknown> = {}): Promise<number> {
  const [r] = await t
    .db('leads')
    .insert({ campaign_id: campaignId, phone_e164: phone, timezone: 'America/New_York', ...extra })
    .returning<{ id: number }[]>('id');
  return r!.id;
}

async function call(
  campaignId: number,
  leadId: number,
  attempt: number,
  at: Date,
  phone = PHONE,
): Promise<void> {
  await t.db('calls').insert({
    id: `c${campaignId}-l${leadId}-a${attempt}`,
    campaign_id: campaignId,
    lead_id: leadId,
    attempt,
    phone_e164: phone,
    reserved_at: at,
  });
}

/** The verdict without the facts a refusal carries (they are checked in gate-refusals.test.ts). */
async function check(attempt: { leadId: number; callId?: string }, at: Date): Promise<GateVerdict> {
  const v = await gate.check(attempt, at);
  if (v.allowed) return v;
  const { facts: _facts, ...rest } = v;
  return rest;
}

beforeAll(async () => {
  t = await createTestDb();
  gate = new PgComplianceGate(t.db);
});
afterAll(async () => t?.drop());

describe('PgComplianceGate (facts from Postgres → evaluateGate)', () => {
  it('allows a fresh lead in the window, and a DNC entry added a moment ago wins', async () => {
    const c = await campaign('g-main');
    const l = await lead(c);
    expect(await check({ leadId: l }, NOW)).toEqual({ allowed: true });
    await addDnc(t.db, { phone: PHONE, type: 'personalised-marketing', source: 'call', actor: 'test' });
    expect(await check({ leadId: l }, NOW)).toEqual({
      allowed: false,
      reason: 'dnc:personalised-marketing',
    });
    await removeDnc(t.db, PHONE, 'test');
    // A survey DNC does not block marketing.
    await addDnc(t.db, { phone: PHONE, type: 'survey', source: 'call', actor: 'test' });
    expect(await check({ leadId: l }, NOW)).toEqual({ allowed: true });
  });

  it('applies the frequency cap across same-purpose campaigns only', async () => {
    const c = await campaign('g-cap');
    const l = await lead(c, '+12125550001');
    const other = await campaign('g-cap-other');
    const contacted = new Date(NOW.getTime() - 5 * 86_400_000);
    await lead(other, '+12125550001', { last_contact_at: contacted, status: 'done' });
    const survey = await campaign('g-cap-survey', { purpose: 'survey' });
    await lead(survey, '+12125550002', { last_contact_at: contacted, status: 'done' });
    const l2 = await lead(c, '+12125550002');
    expect(await check({ leadId: l }, NOW)).toEqual({
      allowed: false,
      reason: 'frequency-cap',
      nextEligibleAt: new Date(contacted.getTime() + 30 * 86_400_000),
    });
    expect(await check({ leadId: l2 }, NOW)).toEqual({ allowed: true });
  });

  it('counts attempts to the number by any campaign for the CN limits, and the lead’s own attempts', async () => {
    const c = await campaign('g-cn', { profile: 'cn', maxAttempts: 3 });
    const phone = '+8613800138000';
    const l = await lead(c, phone, { timezone: 'Asia/Shanghai' });
    const other = await campaign('g-cn-other', { purpose: 'care' });
    const ol = await lead(other, phone, { timezone: 'Asia/Shanghai' });
    const at = new Date('2026-06-10T02:00:00Z'); // 10:00 Beijing
    for (let i = 1; i <= 3; i += 1) await call(other, ol, i, new Date(at.getTime() - i * 60_000), phone);
    expect(await check({ leadId: l }, at)).toEqual({
      allowed: false,
      reason: 'callee-limit',
      nextEligibleAt: new Date(at.getTime() + 2 * 60_000),
    });
    for (let i = 1; i <= 3; i += 1) await call(c, l, i, new Date(at.getTime() - 86_400_000 * (i + 1)), phone);
    expect(await check({ leadId: l }, at)).toEqual({ allowed: false, reason: 'max-attempts' });
  });

  it('ignores the call row of the attempt being decided', async () => {
    const c = await campaign('g-self', { maxAttempts: 1 });
    const l = await lead(c, '+12125550003');
    await call(c, l, 1, NOW, '+12125550003');
    expect(await check({ leadId: l, callId: `c${c}-l${l}-a1` }, NOW)).toEqual({ allowed: true });
    expect(await check({ leadId: l }, NOW)).toEqual({ allowed: false, reason: 'max-attempts' });
  });

  it('honours pending callbacks, abandons (predictive), the blacklist and the campaign status', async () => {
    const c = await campaign('g-misc', { dialMode: 'predictive' });
    const due = new Date(NOW.getTime() + 3_600_000);
    const l1 = await lead(c, '+12125550004');
    await t.db('callbacks').insert({ campaign_id: c, lead_id: l1, due_at: due });
    expect(await check({ leadId: l1 }, NOW)).toEqual({
      allowed: false,
      reason: 'callback-later',
      nextEligibleAt: due,
    });
    const abandoned = new Date(NOW.getTime() - 3_600_000);
    const l2 = await lead(c, '+12125550005', { last_abandoned_at: abandoned });
    expect(await check({ leadId: l2 }, NOW)).toMatchObject({ allowed: false, reason: 'abandon-block' });
    const l3 = await lead(c, '+12125550006');
    await addToBlacklist(t.db, { phone: '+12125550006', reason: 'complaint', actor: 'test' });
    expect(await check({ leadId: l3 }, NOW)).toEqual({ allowed: false, reason: 'blacklist' });
    await t.db('campaigns').where({ id: c }).update({ status: 'paused' });
    expect(await check({ leadId: l1 }, NOW)).toEqual({
      allowed: false,
      reason: 'campaign-not-dialling',
    });
    expect(await check({ leadId: 999_999 }, NOW)).toEqual({ allowed: false, reason: 'lead-not-found' });
  });
});

it('looks back as far as the longest per-callee limit', async () => {
  const c = await campaign('g-week', { calleeLimits: [{ max: 2, windowMinutes: 7 * 1440 }] });
  const l = await lead(c, '+12125550009');
  await call(c, l, 1, new Date(NOW.getTime() - 5 * 86_400_000), '+12125550009');
  await call(c, l, 2, new Date(NOW.getTime() - 4 * 86_400_000), '+12125550009');
  expect(await check({ leadId: l }, NOW)).toEqual({
    allowed: false,
    reason: 'callee-limit',
    nextEligibleAt: new Date(NOW.getTime() + 2 * 86_400_000),
  });
});
