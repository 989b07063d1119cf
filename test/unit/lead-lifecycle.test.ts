import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_RULES } from '../../src/domain/campaign/retry.js';
import { DEFAULT_SECOND_CONFIRMATION } from '../../src/domain/campaign/second-confirmation.js';
import {
  LEAD_STATES,
  LeadTransitionError,
  isLegal,
  nextLead,
  type LeadEvent,
  type LeadEventType,
  type LeadLife,
  type LeadRules,
  type LeadState,
  type ScheduledCalls,
} from '../../src/domain/lead/lifecycle.js';

const at = new Date('2026-06-10T12:00:00Z');
const min = (n: number) => new Date(at.getTime() + n * 60_000);
const HOUR = 3_600_000;
const rules: LeadRules = {
  maxAttempts: 5,
  retry: DEFAULT_RETRY_RULES,
  secondConfirmation: DEFAULT_SECOND_CONFIRMATION,
};

/** One event of each type, as the table uses it. */
const EVENTS: Record<LeadEventType, LeadEvent> = {
  claimed: { type: 'claimed', at },
  'refused-by-gate': { type: 'refused-by-gate', at, reason: 'outside-window', nextEligibleAt: min(600) },
  returned: { type: 'returned', at },
  skipped: { type: 'skipped', at, close: false, nextAt: min(60) },
  finished: { type: 'finished', at, result: { outcome: 'no-answer', abandoned: false }, rules },
  orphaned: { type: 'orphaned', at, result: { outcome: 'failed', abandoned: false }, rules },
  disposed: { type: 'disposed', at, dnc: true, wrongParty: false },
  'callback-scheduled': { type: 'callback-scheduled', at, dueAt: min(120) },
  'confirmation-scheduled': { type: 'confirmation-scheduled', at, dueAt: min(30) },
};

type Expect = LeadState | 'illegal';
const x = 'illegal' as const;

/** Every state × every event: the state it leads to, or illegal. */
const TABLE: Record<LeadState, Record<LeadEventType, Expect>> = {
  new: {
    claimed: 'dialling',
    'refused-by-gate': x,
    returned: x,
    skipped: x,
    finished: x,
    orphaned: x,
    disposed: x,
    'callback-scheduled': 'callback',
    'confirmation-scheduled': 'callback',
  },
  dialling: {
    claimed: x,
    'refused-by-gate': 'scheduled',
    returned: 'new',
    skipped: 'new',
    finished: 'scheduled',
    orphaned: 'scheduled',
    disposed: 'dnc',
    'callback-scheduled': 'dialling',
    'confirmation-scheduled': 'dialling',
  },
  scheduled: {
    claimed: 'dialling',
    'refused-by-gate': x,
    returned: x,
    skipped: x,
    finished: x,
    orphaned: x,
    disposed: 'dnc',
    'callback-scheduled': 'callback',
    'confirmation-scheduled': 'callback',
  },
  callback: {
    claimed: 'dialling',
    'refused-by-gate': x,
    returned: x,
    skipped: x,
    finished: x,
    orphaned: x,
    disposed: 'dnc',
    'callback-scheduled': 'callback',
    'confirmation-scheduled': 'callback',
  },
  done: {
    claimed: x,
    'refused-by-gate': x,
    returned: x,
    skipped: x,
    finished: x,
    orphaned: x,
    disposed: 'dnc',
    'callback-scheduled': 'callback',
    'confirmation-scheduled': 'callback',
  },
  dnc: {
    claimed: x,
    'refused-by-gate': x,
    returned: x,
    skipped: x,
    finished: 'dnc',
    orphaned: 'dnc',
    disposed: 'dnc',
    'callback-scheduled': x,
    'confirmation-scheduled': x,
  },
  invalid: {
    claimed: x,
    'refused-by-gate': x,
    returned: x,
    skipped: x,
    finished: x,
    orphaned: x,
    disposed: 'invalid',
    'callback-scheduled': x,
    'confirmation-scheduled': x,
  },
  blocked: {
    claimed: x,
    'refused-by-gate': x,
    returned: x,
    skipped: x,
    finished: x,
    orphaned: x,
    disposed: 'blocked',
    'callback-scheduled': x,
    'confirmation-scheduled': x,
  },
};

const life = (status: LeadState, over: Partial<LeadLife> = {}): LeadLife => ({
  status,
  attempts: status === 'new' ? 0 : 1,
  nextAttemptAt: status === 'scheduled' || status === 'callback' ? min(-1) : null,
  ...over,
});

describe('lead lifecycle: every state × every event', () => {
  const rows = LEAD_STATES.flatMap((s) =>
    (Object.keys(EVENTS) as LeadEventType[]).map((e) => [s, e, TABLE[s][e]] as const),
  );

  it('covers all of them', () => {
    expect(rows).toHaveLength(LEAD_STATES.length * Object.keys(EVENTS).length);
  });

  it.each(rows)('%s + %s → %s', (state, event, expected) => {
    expect(isLegal(state, event)).toBe(expected !== 'illegal');
    if (expected === 'illegal') {
      expect(() => nextLead(life(state), EVENTS[event])).toThrow(LeadTransitionError);
      expect(() => nextLead(life(state), EVENTS[event])).toThrow(`a lead that is ${state} cannot be`);
    } else {
      expect(nextLead(life(state), EVENTS[event]).status).toBe(expected);
    }
  });
});

describe('lead lifecycle: the branches inside an event', () => {
  const dialling = life('dialling', { attempts: 2, nextAttemptAt: min(-5) });
  const cb = (over: Partial<NonNullable<ScheduledCalls['served']>> = {}): ScheduledCalls => ({
    served: { kind: 'callback', dueAt: min(-10), trialEndsAt: null, extended: false, ...over },
  });
  const finished = (
    result: Extract<LeadEvent, { type: 'finished' }>['result'],
    r: LeadRules = rules,
  ): LeadEvent => ({ type: 'finished', at, result, rules: r });

  it('claimed counts an attempt', () => {
    expect(nextLead(life('scheduled', { attempts: 2 }), EVENTS.claimed)).toMatchObject({
      status: 'dialling',
      attempts: 3,
    });
  });

  it.each([
    ['dnc:care', 'dnc'],
    ['blacklist', 'blocked'],
    ['max-attempts', 'done'],
  ] as const)('refused by %s ends the lead (%s), its scheduled call missed', (reason, status) => {
    const r = nextLead(dialling, { type: 'refused-by-gate', at, reason }, cb());
    expect(r).toEqual({ status, attempts: 1, nextAttemptAt: null, scheduledCall: { kind: 'missed' } });
  });

  it('refused by a time rule: back at the time the gate names (or in a minute), attempt uncounted', () => {
    expect(nextLead(dialling, EVENTS['refused-by-gate'])).toEqual({
      status: 'scheduled',
      attempts: 1,
      nextAttemptAt: min(600),
    });
    expect(nextLead(dialling, { type: 'refused-by-gate', at, reason: 'callee-limit' })).toMatchObject({
      nextAttemptAt: min(1),
    });
    // A scheduled call keeps its class (first in the hopper) and is not touched.
    expect(nextLead(dialling, EVENTS['refused-by-gate'], cb())).toEqual({
      status: 'callback',
      attempts: 1,
      nextAttemptAt: min(600),
    });
  });

  it('returned goes back to its class: scheduled call, fresh, or retry', () => {
    expect(nextLead(life('dialling'), EVENTS.returned)).toEqual({
      status: 'new',
      attempts: 0,
      nextAttemptAt: null,
    });
    expect(nextLead(dialling, EVENTS.returned)).toEqual({
      status: 'scheduled',
      attempts: 1,
      nextAttemptAt: min(-5),
    });
    expect(nextLead(life('dialling', { attempts: 2 }), EVENTS.returned).nextAttemptAt).toEqual(at);
    expect(nextLead(dialling, { type: 'returned', at, nextAt: min(30) }, cb())).toEqual({
      status: 'callback',
      attempts: 1,
      nextAttemptAt: min(30),
    });
  });

  it('skipped with a closing reason ends the lead without a call', () => {
    expect(nextLead(dialling, { type: 'skipped', at, close: true }, cb())).toEqual({
      status: 'done',
      attempts: 1,
      nextAttemptAt: null,
      scheduledCall: { kind: 'missed' },
    });
  });

  it('finished: contacted → done, invalid number → invalid, busy → retry, last attempt → done', () => {
    const talked = nextLead(dialling, finished({ outcome: 'answered', abandoned: false, agentId: 7 }));
    expect(talked).toEqual({
      status: 'done',
      attempts: 2,
      nextAttemptAt: null,
      attempted: { outcome: 'answered', abandoned: false, contacted: true },
    });
    expect(nextLead(dialling, finished({ outcome: 'invalid-number', abandoned: false })).status).toBe(
      'invalid',
    );
    expect(nextLead(dialling, finished({ outcome: 'busy', abandoned: false }))).toMatchObject({
      status: 'scheduled',
      nextAttemptAt: min(10),
    });
    const last = life('dialling', { attempts: 5 });
    expect(nextLead(last, finished({ outcome: 'busy', abandoned: false })).status).toBe('done');
    const abandoned = nextLead(dialling, finished({ outcome: 'answered', abandoned: true }));
    expect(abandoned).toMatchObject({
      status: 'scheduled',
      nextAttemptAt: min(72 * 60),
      attempted: { outcome: 'abandoned', abandoned: true, contacted: false },
    });
  });

  it('finished on a due callback: reached completes it; not reached keeps it (callback) or misses it', () => {
    const reached = finished({ outcome: 'answered', abandoned: false, agentId: 7 });
    expect(nextLead(dialling, reached, cb())).toMatchObject({
      status: 'done',
      scheduledCall: { kind: 'complete' },
    });
    expect(nextLead(dialling, finished({ outcome: 'no-answer', abandoned: false }), cb())).toEqual(
      expect.objectContaining({ status: 'callback', nextAttemptAt: min(60) }),
    );
    const last = life('dialling', { attempts: 5 });
    expect(nextLead(last, finished({ outcome: 'busy', abandoned: false }), cb())).toMatchObject({
      status: 'done',
      scheduledCall: { kind: 'missed' },
    });
  });

  describe('a second confirmation', () => {
    const trialEndsAt = new Date(at.getTime() + 30 * 60_000);
    const confirmation = (extended: boolean) =>
      cb({
        kind: 'second-confirmation',
        dueAt: new Date(trialEndsAt.getTime() - 48 * HOUR),
        trialEndsAt,
        extended,
      });

    it('is retried as a scheduled call while a retry still comes before the trial ends', () => {
      expect(
        nextLead(dialling, finished({ outcome: 'busy', abandoned: false }), confirmation(false)),
      ).toMatchObject({ status: 'callback', nextAttemptAt: min(10) });
    });

    it('not reached before the trial ends: extended once by the policy, called again', () => {
      const r = nextLead(dialling, finished({ outcome: 'no-answer', abandoned: false }), confirmation(false));
      const extendedEnd = new Date(trialEndsAt.getTime() + 7 * 24 * HOUR);
      const due = new Date(extendedEnd.getTime() - 48 * HOUR);
      expect(r).toMatchObject({
        status: 'callback',
        nextAttemptAt: due,
        scheduledCall: { kind: 'extend', next: { trialEndsAt: extendedEnd, dueAt: due, extended: true } },
      });
      // A policy whose extension is shorter than its lead time: the new call is due at once.
      const short = { ...rules, secondConfirmation: { leadHours: 48, extensionDays: 1 } };
      const now = nextLead(
        dialling,
        finished({ outcome: 'no-answer', abandoned: false }, short),
        confirmation(false),
      );
      expect(now).toMatchObject({
        status: 'callback',
        nextAttemptAt: at,
        scheduledCall: { next: { dueAt: at } },
      });
    });

    it('not reached after the extension: given up — the lead is done, whatever the retry rules say', () => {
      const r = nextLead(dialling, finished({ outcome: 'no-answer', abandoned: false }), confirmation(true));
      expect(r).toMatchObject({ status: 'done', nextAttemptAt: null, scheduledCall: { kind: 'give-up' } });
    });

    it('reached: complete', () => {
      const r = nextLead(
        dialling,
        finished({ outcome: 'answered', abandoned: false, agentId: 3 }),
        confirmation(true),
      );
      expect(r.scheduledCall).toEqual({ kind: 'complete' });
    });
  });

  it('a scheduled call asked for during the call brings the finished lead back as a callback', () => {
    const later = { later: { dueAt: min(24 * 60) } };
    const talked = finished({ outcome: 'answered', abandoned: false, agentId: 7 });
    expect(nextLead(dialling, talked, later)).toMatchObject({
      status: 'callback',
      nextAttemptAt: min(24 * 60),
    });
    // A retry due sooner stays a retry; an invalid number stays invalid.
    expect(nextLead(dialling, finished({ outcome: 'busy', abandoned: false }), later).status).toBe(
      'scheduled',
    );
    expect(nextLead(dialling, finished({ outcome: 'invalid-number', abandoned: false }), later).status).toBe(
      'invalid',
    );
  });

  it('DNC asked during the call: the end keeps dnc and settles the scheduled call', () => {
    const r = nextLead(life('dnc'), finished({ outcome: 'answered', abandoned: false, agentId: 7 }), cb());
    expect(r).toMatchObject({ status: 'dnc', nextAttemptAt: null, scheduledCall: { kind: 'complete' } });
  });

  it('disposed: wrong party on a finished lead → tried again in a day; during the call → no change yet', () => {
    const wrong: LeadEvent = { type: 'disposed', at, dnc: false, wrongParty: true };
    expect(nextLead(life('done'), wrong)).toMatchObject({
      status: 'scheduled',
      nextAttemptAt: min(1440),
    });
    expect(nextLead(dialling, wrong)).toMatchObject({ status: 'dialling', nextAttemptAt: min(-5) });
    expect(nextLead(life('done'), { ...wrong, wrongParty: false }).status).toBe('done');
  });

  it('a scheduled call moves a waiting lead to callback at the earlier of the two times', () => {
    const waiting = life('callback', { nextAttemptAt: min(60) });
    expect(nextLead(waiting, { type: 'callback-scheduled', at, dueAt: min(30) }).nextAttemptAt).toEqual(
      min(30),
    );
    expect(nextLead(waiting, { type: 'callback-scheduled', at, dueAt: min(90) }).nextAttemptAt).toEqual(
      min(60),
    );
    expect(nextLead(life('done'), EVENTS['confirmation-scheduled'])).toEqual({
      status: 'callback',
      attempts: 1,
      nextAttemptAt: min(30),
    });
  });
});
