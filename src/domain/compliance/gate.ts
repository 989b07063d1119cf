import { blockingDncType, type CampaignPurpose, type DncType } from '../campaign/purpose.js';
import type { CalleeLimit, CallingWindow } from './profiles.js';
import { localDate, nextAllowedTime, startOfNextLocalDay, windowZone } from './window.js';

/** One earlier dial attempt to the same number (any campaign). */
export interface PriorAttempt {
  at: Date;
  /** The attempt belonged to this lead of this campaign (counts for per-lead limits). */
  sameLead: boolean;
}

/** The campaign rules the gate applies (a subset of `CampaignRules`). */
export interface GateRules {
  purpose: CampaignPurpose;
  window: CallingWindow;
  holidays: readonly string[];
  maxAttempts: number;
  maxAttemptsPerDay: number;
  /** 0 disables the cap. */
  frequencyCapDays: number;
  calleeLimits: readonly CalleeLimit[];
  abandonBlockHours: number;
}

/** Everything the gate needs to decide, loaded just before dialling (see `store/gate-facts.ts`). */
export interface GateInput {
  now: Date;
  /** What the campaign's status lets through (see `dialScope`); absent = `all`. */
  campaignScope?: 'none' | 'trial-sample' | 'all';
  lead: {
    timezone: string;
    /** Picked for the trial calls when the campaign entered `trial`. */
    trialSample?: boolean;
    /** Attempts already made for this lead (call rows), not counting the one being decided. */
    attempts: number;
    /** Set by retry rules; the lead may not be dialled before it. */
    nextAttemptAt?: Date | null;
    lastAbandonedAt?: Date | null;
    /** The lead's earliest pending callback/second-confirmation (due later, or due now). */
    callbackDueAt?: Date | null;
  };
  rules: GateRules;
  dncHits: readonly DncType[];
  blacklisted: boolean;
  /** Latest successful contact of this number by another campaign of the same purpose. */
  lastContactSamePurposeAt?: Date | null;
  /** Attempts to this number within at least the longest look-back the rules need. */
  recentAttempts: readonly PriorAttempt[];
  /** A live agent is reserved for this call (preview/progressive), lifting the abandon block. */
  liveAgentGuaranteed: boolean;
}

export type GateReason =
  | 'campaign-not-dialling'
  | 'not-in-trial-sample'
  | 'blacklist'
  | `dnc:${DncType}`
  | 'max-attempts'
  | 'frequency-cap'
  | 'abandon-block'
  | 'scheduled-later'
  | 'callback-later'
  | 'max-attempts-day'
  | 'callee-limit'
  | 'outside-window'
  | 'window-never-opens';

export type GateDecision = { allowed: true } | { allowed: false; reason: GateReason; nextEligibleAt?: Date };

const MIN = 60_000;

/** A permanent refusal: nothing the clock does will change it. */
function permanentBlock(i: GateInput): GateReason | undefined {
  if (i.campaignScope === 'none') return 'campaign-not-dialling';
  if (i.campaignScope === 'trial-sample' && !i.lead.trialSample) return 'not-in-trial-sample';
  if (i.blacklisted) return 'blacklist';
  const dnc = blockingDncType(i.rules.purpose, i.dncHits);
  if (dnc) return `dnc:${dnc}`;
  // A scheduled call that is due (a callback the customer asked for, the second confirmation a
  // trial product requires) is made even when the lead's ordinary attempts are used up.
  const scheduledCallDue = i.lead.callbackDueAt != null && i.lead.callbackDueAt <= i.now;
  if (i.lead.attempts >= i.rules.maxAttempts && !scheduledCallDue) return 'max-attempts';
  return undefined;
}

/** A time-based rule: the earliest instant ≥ t at which it is satisfied (t itself when it is). */
type Constraint = { reason: GateReason; earliest(t: Date): Date };

function later(a: Date, b: Date | null | undefined): Date {
  return b && b > a ? b : a;
}

function timeConstraints(i: GateInput): Constraint[] {
  const { rules, lead } = i;
  const zone = windowZone(rules.window, lead.timezone);
  const out: Constraint[] = [];
  if (rules.frequencyCapDays > 0 && i.lastContactSamePurposeAt) {
    const until = new Date(i.lastContactSamePurposeAt.getTime() + rules.frequencyCapDays * 1440 * MIN);
    out.push({ reason: 'frequency-cap', earliest: (t) => later(t, until) });
  }
  if (lead.lastAbandonedAt && !i.liveAgentGuaranteed && rules.abandonBlockHours > 0) {
    const until = new Date(lead.lastAbandonedAt.getTime() + rules.abandonBlockHours * 60 * MIN);
    out.push({ reason: 'abandon-block', earliest: (t) => later(t, until) });
  }
  // A pending callback also sets next_attempt_at; naming the callback says more.
  out.push({ reason: 'callback-later', earliest: (t) => later(t, lead.callbackDueAt) });
  out.push({ reason: 'scheduled-later', earliest: (t) => later(t, lead.nextAttemptAt) });
  const own = i.recentAttempts.filter((a) => a.sameLead);
  out.push({
    reason: 'max-attempts-day',
    earliest: (t) => {
      const day = localDate(t, zone);
      const today = own.filter((a) => localDate(a.at, zone) === day).length;
      return today >= rules.maxAttemptsPerDay ? startOfNextLocalDay(t, zone) : t;
    },
  });
  for (const limit of rules.calleeLimits) {
    out.push({ reason: 'callee-limit', earliest: (t) => calleeLimitEarliest(t, limit, i.recentAttempts) });
  }
  out.push({
    reason: 'outside-window',
    earliest: (t) => nextAllowedTime(t, lead.timezone, rules.window, rules.holidays) ?? NEVER,
  });
  return out;
}

const NEVER = new Date(8.64e15);

/** With n attempts in the sliding window and a limit of max, the oldest n-max+1 must age out. */
function calleeLimitEarliest(t: Date, limit: CalleeLimit, attempts: readonly PriorAttempt[]): Date {
  const span = limit.windowMinutes * MIN;
  const inWindow = attempts
    .map((a) => a.at.getTime())
    .filter((ms) => ms > t.getTime() - span && ms <= t.getTime())
    .sort((a, b) => a - b);
  if (inWindow.length < limit.max) return t;
  return new Date((inWindow[inWindow.length - limit.max] ?? t.getTime()) + span);
}

/**
 * Decides, at the moment of dialling, whether this lead may be dialled now. Permanent blocks
 * (blacklist, DNC, lifetime attempts) come first; otherwise the reason is the first time rule
 * that fails now, and `nextEligibleAt` is the earliest instant at which *all* time rules hold
 * together (found by moving forward until no rule moves the time any more).
 */
export function evaluateGate(i: GateInput): GateDecision {
  const permanent = permanentBlock(i);
  if (permanent) return { allowed: false, reason: permanent };
  const constraints = timeConstraints(i);
  const failing = constraints.find((c) => c.earliest(i.now).getTime() !== i.now.getTime());
  if (!failing) return { allowed: true };
  let t = i.now;
  // Each pass can only move t forward; a handful of passes settles real combinations.
  for (let pass = 0; pass < 20; pass += 1) {
    let moved = false;
    for (const c of constraints) {
      const e = c.earliest(t);
      if (e.getTime() !== t.getTime()) {
        t = e;
        moved = true;
      }
    }
    if (t >= NEVER) return { allowed: false, reason: 'window-never-opens' };
    if (!moved) return { allowed: false, reason: failing.reason, nextEligibleAt: t };
  }
  return { allowed: false, reason: failing.reason };
}

/**
 * The lead status a refusal should leave behind, for the engine's outcome step: `dnc`, `blocked`
 * and `done` end the lead. `null` puts it back: after a time rule `nextEligibleAt` says when; a
 * paused campaign, the trial sample or a window that never opens are campaign matters, not the
 * lead's.
 */
export function leadStatusAfterRefusal(reason: string): 'dnc' | 'blocked' | 'done' | null {
  if (reason.startsWith('dnc:')) return 'dnc';
  if (reason === 'blacklist') return 'blocked';
  if (reason === 'max-attempts') return 'done';
  return null;
}
