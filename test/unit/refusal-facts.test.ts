import { describe, expect, it } from 'vitest';
import { evaluateGate, type GateInput, type GateRules } from '../../src/domain/compliance/gate.js';
import { COMPLIANCE_PROFILES } from '../../src/domain/compliance/profiles.js';
import { refusalFacts, type RefusalFacts } from '../../src/domain/compliance/refusal-facts.js';

const rules: GateRules = {
  purpose: 'marketing',
  window: COMPLIANCE_PROFILES.us.window,
  holidays: ['2026-12-25'],
  maxAttempts: 5,
  maxAttemptsPerDay: 2,
  frequencyCapDays: 30,
  calleeLimits: [{ max: 1, windowMinutes: 60 }],
  abandonBlockHours: 72,
};
// Wednesday 2026-06-10 12:00 in New York (EDT).
const NOW = new Date('2026-06-10T16:00:00Z');
const ago = (min: number) => new Date(NOW.getTime() - min * 60_000);

type Over = Partial<Omit<GateInput, 'lead'>> & { lead?: Partial<GateInput['lead']> };
function input(over: Over = {}): GateInput {
  const { lead, ...rest } = over;
  return {
    now: NOW,
    rules: { ...rules, calleeLimits: [] },
    dncHits: [],
    blacklisted: false,
    recentAttempts: [],
    liveAgentGuaranteed: false,
    ...rest,
    lead: { timezone: 'America/New_York', attempts: 1, ...lead },
  };
}

const base = { timezone: 'America/New_York', attempts: 1 };

/** Each rule's refusal keeps the facts that rule read — asked of the gate itself, then described. */
const cases: { name: string; over: Over; reason: string; facts: RefusalFacts }[] = [
  {
    name: 'typed DNC',
    over: { dncHits: ['marketing', 'survey'] },
    reason: 'dnc:marketing',
    facts: { ...base, dncTypes: ['marketing', 'survey'], purpose: 'marketing' },
  },
  {
    name: 'blacklist',
    over: { blacklisted: true },
    reason: 'blacklist',
    facts: { ...base, blacklisted: true },
  },
  {
    name: 'lifetime attempts',
    over: { lead: { attempts: 5 } },
    reason: 'max-attempts',
    facts: { ...base, attempts: 5, maxAttempts: 5 },
  },
  {
    name: 'paused campaign',
    over: { campaignScope: 'none' },
    reason: 'campaign-not-dialling',
    facts: { ...base, campaignScope: 'none', trialSample: false },
  },
  {
    name: 'frequency cap',
    over: { lastContactSamePurposeAt: new Date('2026-06-01T10:00:00Z') },
    reason: 'frequency-cap',
    facts: {
      ...base,
      lastContactSamePurposeAt: '2026-06-01T10:00:00.000Z',
      frequencyCapDays: 30,
      purpose: 'marketing',
    },
  },
  {
    name: 'abandon block',
    over: { lead: { lastAbandonedAt: ago(60) } },
    reason: 'abandon-block',
    facts: { ...base, lastAbandonedAt: ago(60).toISOString(), abandonBlockHours: 72 },
  },
  {
    name: 'retry later',
    over: { lead: { nextAttemptAt: new Date('2026-06-10T18:00:00Z') } },
    reason: 'scheduled-later',
    facts: { ...base, nextAttemptAt: '2026-06-10T18:00:00.000Z' },
  },
  {
    name: 'attempts today',
    over: {
      recentAttempts: [
        { at: ago(120), sameLead: true },
        { at: ago(30), sameLead: true },
        { at: ago(20), sameLead: false },
      ],
    },
    reason: 'max-attempts-day',
    facts: { ...base, attemptsToday: 2, maxAttemptsPerDay: 2, localDay: '2026-06-10' },
  },
  {
    name: 'per-callee limit',
    over: { rules, recentAttempts: [{ at: ago(30), sameLead: false }] },
    reason: 'callee-limit',
    facts: { ...base, recentAttemptsToNumber: [ago(30).toISOString()], limits: ['1 per 60 min'] },
  },
  {
    name: 'outside the window (06:00 in Los Angeles)',
    over: { now: new Date('2026-06-10T13:00:00Z'), lead: { timezone: 'America/Los_Angeles' } },
    reason: 'outside-window',
    facts: {
      timezone: 'America/Los_Angeles',
      attempts: 1,
      windowZone: 'America/Los_Angeles',
      window: '08:00-21:00',
      localTime: '2026-06-10 06:00 Wed',
      holidays: ['2026-12-25'],
    },
  },
];

describe('refusalFacts: what each refusal keeps', () => {
  it.each(cases)('$name', ({ over, reason, facts }) => {
    const i = input(over);
    const v = evaluateGate(i);
    expect(v).toMatchObject({ allowed: false, reason });
    expect(refusalFacts(i, reason)).toEqual(facts);
  });

  it('a reason it does not know keeps the common facts', () => {
    expect(refusalFacts(input(), 'lead-not-found')).toEqual(base);
  });
});
