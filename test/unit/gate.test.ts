import { describe, expect, it } from 'vitest';
import { CAMPAIGN_PURPOSES, DNC_TYPES, type DncType } from '../../src/domain/campaign/purpose.js';
import {
  evaluateGate,
  leadStatusAfterRefusal,
  type GateInput,
  type GateRules,
} from '../../src/domain/compliance/gate.js';
import { COMPLIANCE_PROFILES } from '../../src/domain/compliance/profiles.js';

const d = (iso: string) => new Date(iso);
const H = 3_600_000;

const usRules: GateRules = {
  purpose: 'marketing',
  window: COMPLIANCE_PROFILES.us.window,
  holidays: [],
  maxAttempts: 5,
  maxAttemptsPerDay: 3,
  frequencyCapDays: 30,
  calleeLimits: [],
  abandonBlockHours: 72,
};

// Wednesday 2026-06-10 12:00 in New York (EDT, UTC-4).
const NOW = d('2026-06-10T16:00:00Z');

type Over = Partial<Omit<GateInput, 'lead'>> & { lead?: Partial<GateInput['lead']> };

function input(over: Over = {}): GateInput {
  const { lead, ...rest } = over;
  return {
    now: NOW,
    rules: usRules,
    dncHits: [],
    blacklisted: false,
    recentAttempts: [],
    liveAgentGuaranteed: false,
    ...rest,
    lead: { timezone: 'America/New_York', attempts: 0, ...lead },
  };
}

describe('evaluateGate: calling windows across zones and DST', () => {
  const cases: { name: string; now: string; tz: string; rules?: Partial<GateRules>; next?: string }[] = [
    { name: 'NY midday', now: '2026-06-10T16:00:00Z', tz: 'America/New_York' },
    // Spring forward: 07:30 EDT; the window opens at 08:00 EDT = 12:00Z (13:00Z would be EST).
    {
      name: 'NY DST start, before open',
      now: '2026-03-08T11:30:00Z',
      tz: 'America/New_York',
      next: '2026-03-08T12:00:00Z',
    },
    { name: 'NY DST start, 08:30 EDT', now: '2026-03-08T12:30:00Z', tz: 'America/New_York' },
    { name: 'NY 20:59 EDT is open', now: '2026-03-09T00:59:00Z', tz: 'America/New_York' },
    {
      name: 'NY 21:00 EDT closes',
      now: '2026-03-09T01:00:00Z',
      tz: 'America/New_York',
      next: '2026-03-09T12:00:00Z',
    },
    // Fall back: 07:30 EST; opens at 08:00 EST = 13:00Z.
    {
      name: 'NY DST end, before open',
      now: '2026-11-01T12:30:00Z',
      tz: 'America/New_York',
      next: '2026-11-01T13:00:00Z',
    },
    {
      name: 'NY DST end, 21:00 EST',
      now: '2026-11-02T02:00:00Z',
      tz: 'America/New_York',
      next: '2026-11-02T13:00:00Z',
    },
    { name: 'NY DST end, 20:30 EST', now: '2026-11-02T01:30:00Z', tz: 'America/New_York' },
    { name: 'London BST 08:30', now: '2026-10-24T07:30:00Z', tz: 'Europe/London' },
    {
      name: 'London GMT 07:30 after change',
      now: '2026-10-25T07:30:00Z',
      tz: 'Europe/London',
      next: '2026-10-25T08:00:00Z',
    },
    {
      name: 'Shanghai 07:59',
      now: '2026-06-09T23:59:00Z',
      tz: 'Asia/Shanghai',
      next: '2026-06-10T00:00:00Z',
    },
    { name: 'Shanghai 20:00', now: '2026-06-10T12:00:00Z', tz: 'Asia/Shanghai' },
    {
      name: 'LA 07:00 while NY is open',
      now: '2026-06-10T14:00:00Z',
      tz: 'America/Los_Angeles',
      next: '2026-06-10T15:00:00Z',
    },
    {
      name: 'CN profile uses Beijing time, not the callee zone',
      now: '2026-06-10T13:00:00Z',
      tz: 'America/New_York',
      rules: { window: COMPLIANCE_PROFILES.cn.window },
      next: '2026-06-11T00:00:00Z',
    },
    {
      name: 'holiday skips to the next day',
      now: '2026-12-25T15:00:00Z',
      tz: 'America/New_York',
      rules: { holidays: ['2026-12-25'] },
      next: '2026-12-26T13:00:00Z',
    },
    {
      name: 'weekdays only: Saturday → Monday 08:00',
      now: '2026-06-06T15:00:00Z',
      tz: 'America/New_York',
      rules: { window: { ...usRules.window, days: [1, 2, 3, 4, 5] } },
      next: '2026-06-08T12:00:00Z',
    },
  ];
  it.each(cases)('$name', ({ now, tz, rules, next }) => {
    const r = evaluateGate(input({ now: d(now), rules: { ...usRules, ...rules }, lead: { timezone: tz } }));
    if (next === undefined) expect(r).toEqual({ allowed: true });
    else expect(r).toEqual({ allowed: false, reason: 'outside-window', nextEligibleAt: d(next) });
  });

  it('says so when the window never opens', () => {
    const rules = { ...usRules, window: { ...usRules.window, days: [1] }, holidays: [] as string[] };
    const mondays: string[] = [];
    for (let t = Date.parse('2026-06-15T12:00:00Z'); t < Date.parse('2027-08-01T00:00:00Z'); t += 7 * 24 * H)
      mondays.push(new Date(t).toISOString().slice(0, 10));
    const r = evaluateGate(input({ rules: { ...rules, holidays: mondays } }));
    expect(r).toEqual({ allowed: false, reason: 'window-never-opens' });
  });
});

describe('evaluateGate: DNC types against purposes', () => {
  // Written out by hand (not derived from the mapping) so a change to the mapping fails here.
  const blocks: Record<string, DncType[]> = {
    marketing: ['all', 'marketing', 'personalised-marketing'],
    retention: ['all', 'marketing', 'personalised-marketing'],
    survey: ['all', 'survey'],
    care: ['all', 'care'],
    collections: ['all'],
    notification: ['all'],
    verification: ['all'],
  };
  const cases = CAMPAIGN_PURPOSES.flatMap((purpose) =>
    DNC_TYPES.map((type) => ({ purpose, type, blocked: blocks[purpose]?.includes(type) ?? false })),
  );
  it.each(cases)('$type entry vs $purpose campaign → blocked: $blocked', ({ purpose, type, blocked }) => {
    const r = evaluateGate(input({ rules: { ...usRules, purpose }, dncHits: [type] }));
    expect(r).toEqual(blocked ? { allowed: false, reason: `dnc:${type}` } : { allowed: true });
  });

  it('a DNC block wins over an open window and has no next time', () => {
    const r = evaluateGate(input({ now: d('2026-06-10T03:00:00Z'), dncHits: ['all'] }));
    expect(r).toEqual({ allowed: false, reason: 'dnc:all' });
  });

  it.each([
    { scope: 'none', trialSample: true, out: { allowed: false, reason: 'campaign-not-dialling' } },
    { scope: 'trial-sample', trialSample: false, out: { allowed: false, reason: 'not-in-trial-sample' } },
    { scope: 'trial-sample', trialSample: true, out: { allowed: true } },
    { scope: 'all', trialSample: false, out: { allowed: true } },
  ] as const)('campaign scope $scope, trial sample $trialSample', ({ scope, trialSample, out }) => {
    expect(evaluateGate(input({ campaignScope: scope, lead: { trialSample } }))).toEqual(out);
  });

  it('the blacklist blocks every purpose', () => {
    for (const purpose of CAMPAIGN_PURPOSES) {
      expect(evaluateGate(input({ rules: { ...usRules, purpose }, blacklisted: true }))).toEqual({
        allowed: false,
        reason: 'blacklist',
      });
    }
  });
});

describe('evaluateGate: caps, attempts, retries, callbacks, abandons', () => {
  const ago = (h: number) => new Date(NOW.getTime() - h * H);
  const cases: {
    name: string;
    in: Over;
    out: object;
  }[] = [
    {
      name: 'contacted 10 days ago by the same purpose',
      in: { lastContactSamePurposeAt: ago(240) },
      out: {
        allowed: false,
        reason: 'frequency-cap',
        nextEligibleAt: new Date(ago(240).getTime() + 30 * 24 * H),
      },
    },
    { name: 'contacted 31 days ago', in: { lastContactSamePurposeAt: ago(31 * 24) }, out: { allowed: true } },
    {
      name: 'cap disabled (0 days)',
      in: { lastContactSamePurposeAt: ago(1), rules: { ...usRules, frequencyCapDays: 0 } },
      out: { allowed: true },
    },
    {
      name: 'lifetime attempts used up',
      in: { lead: { attempts: 5 } },
      out: { allowed: false, reason: 'max-attempts' },
    },
    {
      name: 'attempts used up, but a callback the customer asked for is due now',
      in: { lead: { attempts: 5, callbackDueAt: ago(0.1) } },
      out: { allowed: true },
    },
    {
      name: 'attempts used up and the callback is not due yet',
      in: { lead: { attempts: 5, callbackDueAt: new Date(NOW.getTime() + H) } },
      out: { allowed: false, reason: 'max-attempts' },
    },
    { name: 'four of five attempts used', in: { lead: { attempts: 4 } }, out: { allowed: true } },
    {
      name: 'three attempts today (local day) → tomorrow 08:00 EDT',
      in: { recentAttempts: [ago(1), ago(2), ago(3)].map((at) => ({ at, sameLead: true })) },
      out: { allowed: false, reason: 'max-attempts-day', nextEligibleAt: d('2026-06-11T12:00:00Z') },
    },
    {
      name: 'attempts yesterday (local) do not count for today',
      in: { recentAttempts: [ago(13), ago(14), ago(15)].map((at) => ({ at, sameLead: true })) },
      out: { allowed: true },
    },
    {
      name: 'attempts by other campaigns do not count for the per-lead day limit',
      in: { recentAttempts: [ago(1), ago(2), ago(3)].map((at) => ({ at, sameLead: false })) },
      out: { allowed: true },
    },
    {
      name: 'retry scheduled in 30 min',
      in: { lead: { nextAttemptAt: new Date(NOW.getTime() + H / 2) } },
      out: { allowed: false, reason: 'scheduled-later', nextEligibleAt: new Date(NOW.getTime() + H / 2) },
    },
    {
      name: 'retry due at 22:00 local moves to the next window',
      in: { lead: { nextAttemptAt: d('2026-06-11T02:00:00Z') } },
      out: { allowed: false, reason: 'scheduled-later', nextEligibleAt: d('2026-06-11T12:00:00Z') },
    },
    { name: 'retry time already past', in: { lead: { nextAttemptAt: ago(1) } }, out: { allowed: true } },
    {
      name: 'callback due later',
      in: { lead: { callbackDueAt: new Date(NOW.getTime() + 2 * H) } },
      out: { allowed: false, reason: 'callback-later', nextEligibleAt: new Date(NOW.getTime() + 2 * H) },
    },
    { name: 'callback due now', in: { lead: { callbackDueAt: NOW } }, out: { allowed: true } },
    {
      name: 'abandoned 24 h ago, no live agent',
      in: { lead: { lastAbandonedAt: ago(24) } },
      out: { allowed: false, reason: 'abandon-block', nextEligibleAt: new Date(ago(24).getTime() + 72 * H) },
    },
    {
      name: 'abandoned 24 h ago, live agent reserved',
      in: { lead: { lastAbandonedAt: ago(24) }, liveAgentGuaranteed: true },
      out: { allowed: true },
    },
    { name: 'abandoned 73 h ago', in: { lead: { lastAbandonedAt: ago(73) } }, out: { allowed: true } },
    {
      name: 'abandon block ending at night moves to the morning',
      in: { lead: { lastAbandonedAt: d('2026-06-08T03:00:00Z') } },
      out: { allowed: false, reason: 'abandon-block', nextEligibleAt: d('2026-06-11T12:00:00Z') },
    },
  ];
  it.each(cases)('$name', (c) => {
    expect(evaluateGate(input(c.in))).toEqual(c.out);
  });
});

describe('evaluateGate: CN profile per-callee limits', () => {
  const cn: GateRules = {
    ...usRules,
    window: COMPLIANCE_PROFILES.cn.window,
    calleeLimits: COMPLIANCE_PROFILES.cn.calleeLimits,
  };
  // 10:00 Beijing.
  const now = d('2026-06-10T02:00:00Z');
  const minAgo = (m: number) => ({ at: new Date(now.getTime() - m * 60_000), sameLead: false });
  it.each([
    { name: '2 in 5 min', attempts: [minAgo(1), minAgo(2)], out: { allowed: true } },
    {
      name: '3 in 5 min (other campaigns)',
      attempts: [minAgo(1), minAgo(2), minAgo(4)],
      out: { allowed: false, reason: 'callee-limit', nextEligibleAt: new Date(now.getTime() + 60_000) },
    },
    {
      name: '4 in 24 h, spread out',
      attempts: [minAgo(60), minAgo(120), minAgo(180), minAgo(240)],
      out: { allowed: true },
    },
    {
      name: '5 in 24 h, the oldest ages out at 05:00 Beijing → 08:00 Beijing',
      attempts: [minAgo(60), minAgo(120), minAgo(180), minAgo(240), minAgo(300)],
      out: { allowed: false, reason: 'callee-limit', nextEligibleAt: d('2026-06-11T00:00:00Z') },
    },
    {
      name: '5 in 24 h, the oldest ages out at 11:00 Beijing → then',
      attempts: [
        minAgo(10),
        minAgo(60),
        minAgo(120),
        minAgo(180),
        { at: d('2026-06-09T03:00:00Z'), sameLead: false },
      ],
      out: { allowed: false, reason: 'callee-limit', nextEligibleAt: d('2026-06-10T03:00:00Z') },
    },
  ])('$name', ({ attempts, out }) => {
    expect(
      evaluateGate(input({ now, rules: cn, recentAttempts: attempts, lead: { timezone: 'Asia/Shanghai' } })),
    ).toEqual(out);
  });
});

describe('leadStatusAfterRefusal', () => {
  it.each([
    ['dnc:survey', 'dnc'],
    ['blacklist', 'blocked'],
    ['max-attempts', 'done'],
    ['window-never-opens', null],
    ['campaign-not-dialling', null],
    ['not-in-trial-sample', null],
    ['outside-window', null],
    ['callee-limit', null],
  ])('%s → %s', (reason, status) => {
    expect(leadStatusAfterRefusal(reason)).toBe(status);
  });
});
