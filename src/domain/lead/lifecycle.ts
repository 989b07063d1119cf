import { reachedCustomer, type OutcomeFacts } from '../attempt.js';
import { callbackStep, type PendingCallback } from '../campaign/callback-step.js';
import { decideRetry, type RetryDecision, type RetryRules } from '../campaign/retry.js';
import {
  onSecondConfirmationUnreached,
  type SecondConfirmation,
  type SecondConfirmationPolicy,
} from '../campaign/second-confirmation.js';
import { leadStatusAfterRefusal } from '../compliance/gate.js';

/**
 * A lead's life, as a pure transition function (like agent-state.ts). The attempt ledger
 * (store/lead-ledger) is the only writer of `leads` and `callbacks`, and every change it makes to
 * a lead is one of these transitions.
 *
 *   new ─claimed→ dialling ─finished→ scheduled ─claimed→ dialling …
 *                    │  └─finished/orphaned→ done | invalid | callback (a scheduled call lives)
 *                    ├─refused-by-gate→ scheduled | callback | dnc | blocked | done
 *                    ├─returned / skipped→ new | scheduled | callback  (attempt given back)
 *                    └─skipped(close)→ done
 *   new | scheduled | callback | done ─callback-scheduled / confirmation-scheduled→ callback
 *   any dialled lead ─disposed(dnc)→ dnc; done ─disposed(wrong party)→ scheduled (+1 day)
 */
export const LEAD_STATES = [
  'new',
  'dialling',
  'scheduled',
  'callback',
  'done',
  'dnc',
  'invalid',
  'blocked',
] as const;
export type LeadState = (typeof LEAD_STATES)[number];

/** States the feeder claims leads from, in the hopper's order (each when due). */
export const CLAIMABLE_STATES = ['callback', 'scheduled', 'new'] as const satisfies readonly LeadState[];
/** States nothing dials again. */
export const FINAL_STATES = ['done', 'dnc', 'invalid', 'blocked'] as const satisfies readonly LeadState[];

/** The part of a lead its life decides. */
export interface LeadLife {
  status: LeadState;
  /** Attempts counted so far: a claim counts one, giving the attempt back uncounts it. */
  attempts: number;
  nextAttemptAt: Date | null;
}

/** The lead's pending scheduled calls (`callbacks` rows), as the ledger found them. */
export interface ScheduledCalls {
  /** The one this attempt was made for: pending, due and created before the attempt began. */
  served?: PendingCallback & { extended: boolean };
  /** The earliest other pending one (due later, or asked for during this very call). */
  later?: { dueAt: Date };
}

/** The campaign's rules a lead's life follows. */
export interface LeadRules {
  maxAttempts: number;
  retry: RetryRules;
  secondConfirmation: SecondConfirmationPolicy;
}

export type LeadEvent =
  /** The feeder moved the lead into the hopper: a new attempt. */
  | { type: 'claimed'; at: Date }
  /** The compliance gate refused the attempt just before dialling (or offering) it. */
  | { type: 'refused-by-gate'; at: Date; reason: string; nextEligibleAt?: Date }
  /** The attempt was given back undialled: no agent, its owner busy, the campaign stopped. */
  | { type: 'returned'; at: Date; nextAt?: Date }
  /** Preview: the agent skipped the offered lead; `close` ends it (pre-call checks). */
  | { type: 'skipped'; at: Date; close: boolean; nextAt?: Date }
  /** The dialled attempt ended; the campaign's rules decide what next. */
  | { type: 'finished'; at: Date; result: OutcomeFacts; rules: LeadRules }
  /** The attempt's dialer process died; the next lease holder ended the call. */
  | { type: 'orphaned'; at: Date; result: OutcomeFacts; rules: LeadRules }
  /** The agent's disposition of a call of this lead. */
  | { type: 'disposed'; at: Date; dnc: boolean; wrongParty: boolean }
  | { type: 'callback-scheduled'; at: Date; dueAt: Date }
  /** A trial-period sale's second confirmation call (domain/campaign/second-confirmation.ts). */
  | { type: 'confirmation-scheduled'; at: Date; dueAt: Date };
export type LeadEventType = LeadEvent['type'];

/** What the event does to the scheduled call the attempt was made for (`ScheduledCalls.served`). */
export type ScheduledCallEffect =
  /** The customer was reached: done, tied to this call. */
  | { kind: 'complete' }
  /** The retry rules give up on it, or the lead ended. */
  | { kind: 'missed' }
  /** A second confirmation not reached before the trial ends: the trial is extended once. */
  | { kind: 'extend'; next: SecondConfirmation }
  /** Not reached after the extension either: missed, and the product must not be charged. */
  | { kind: 'give-up' };

export interface LeadChange {
  status: LeadState;
  attempts: number;
  nextAttemptAt: Date | null;
  /** The attempt was made: what the lead's last-attempt columns record. */
  attempted?: { outcome: string; abandoned: boolean; contacted: boolean };
  scheduledCall?: ScheduledCallEffect;
}

export class LeadTransitionError extends Error {
  override readonly name = 'LeadTransitionError';
}

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
/** A refused attempt with no time from the gate is looked at again this soon. */
export const REFUSED_RETRY_MS = MINUTE;
/** A wrong party reached: the lead is tried again this much later. */
export const WRONG_PARTY_RETRY_MS = DAY;

const LEGAL: Record<LeadEventType, readonly LeadState[]> = {
  claimed: CLAIMABLE_STATES,
  'refused-by-gate': ['dialling'],
  returned: ['dialling'],
  skipped: ['dialling'],
  // `dnc`: the customer asked for it during the call, before it ended.
  finished: ['dialling', 'dnc'],
  orphaned: ['dialling', 'dnc'],
  // Only a dialled lead has a call to dispose of.
  disposed: ['dialling', 'scheduled', 'callback', 'done', 'dnc', 'invalid', 'blocked'],
  'callback-scheduled': ['new', 'dialling', 'scheduled', 'callback', 'done'],
  'confirmation-scheduled': ['new', 'dialling', 'scheduled', 'callback', 'done'],
};

/** Whether `event` may happen to a lead in `state`. */
export function isLegal(state: LeadState, event: LeadEventType): boolean {
  return LEGAL[event].includes(state);
}

/**
 * The lead after `event`, or LeadTransitionError naming the state and the event. `calls` are the
 * lead's pending scheduled calls (the attempt events and `returned` depend on them).
 */
export function nextLead(lead: LeadLife, event: LeadEvent, calls: ScheduledCalls = {}): LeadChange {
  if (!isLegal(lead.status, event.type)) {
    throw new LeadTransitionError(`a lead that is ${lead.status} cannot be ${event.type}`);
  }
  const same: LeadChange = {
    status: lead.status,
    attempts: lead.attempts,
    nextAttemptAt: lead.nextAttemptAt,
  };
  switch (event.type) {
    case 'claimed':
      return { ...same, status: 'dialling', attempts: lead.attempts + 1 };
    case 'refused-by-gate':
      return refused(lead, event, calls);
    case 'returned':
      return givenBack(lead, event.at, event.nextAt, calls);
    case 'skipped':
      if (!event.close) return givenBack(lead, event.at, event.nextAt, calls);
      return {
        status: 'done',
        attempts: uncounted(lead),
        nextAttemptAt: null,
        scheduledCall: calls.served && { kind: 'missed' },
      };
    case 'finished':
    case 'orphaned':
      return attemptEnded(lead, event.result, event.at, event.rules, calls);
    case 'disposed':
      return disposed(lead, event);
    case 'callback-scheduled':
    case 'confirmation-scheduled':
      return scheduled(lead, event.dueAt);
  }
}

function uncounted(lead: LeadLife): number {
  return Math.max(0, lead.attempts - 1);
}

function refused(
  lead: LeadLife,
  e: Extract<LeadEvent, { type: 'refused-by-gate' }>,
  calls: ScheduledCalls,
): LeadChange {
  const attempts = uncounted(lead);
  const final = leadStatusAfterRefusal(e.reason);
  // A refusal that ends the lead (DNC, blacklist) ends its scheduled call with it.
  if (final)
    return {
      status: final,
      attempts,
      nextAttemptAt: null,
      scheduledCall: calls.served && { kind: 'missed' },
    };
  const nextAttemptAt = e.nextEligibleAt ?? new Date(e.at.getTime() + REFUSED_RETRY_MS);
  return { status: calls.served || calls.later ? 'callback' : 'scheduled', attempts, nextAttemptAt };
}

/** Back to the class it was claimed from: a scheduled call, a fresh lead, or a retry. */
function givenBack(lead: LeadLife, at: Date, nextAt: Date | undefined, calls: ScheduledCalls): LeadChange {
  const attempts = uncounted(lead);
  const status: LeadState = calls.served || calls.later ? 'callback' : attempts === 0 ? 'new' : 'scheduled';
  // A due class is read by its time: one given back with none is due now.
  const nextAttemptAt = nextAt ?? lead.nextAttemptAt ?? (status === 'new' ? null : at);
  return { status, attempts, nextAttemptAt };
}

function attemptEnded(
  lead: LeadLife,
  r: OutcomeFacts,
  at: Date,
  rules: LeadRules,
  calls: ScheduledCalls,
): LeadChange {
  const reached = reachedCustomer(r);
  const attempted = {
    outcome: r.abandoned ? 'abandoned' : r.outcome,
    abandoned: r.abandoned,
    // A completed agentless survey is a contact too: the frequency cap counts it.
    contacted: reached,
  };
  const served = calls.served;
  if (lead.status === 'dnc') {
    const scheduledCall = served && { kind: reached ? ('complete' as const) : ('missed' as const) };
    return { status: 'dnc', attempts: lead.attempts, nextAttemptAt: null, attempted, scheduledCall };
  }
  const decision = decideRetry(
    {
      outcome: r.outcome,
      abandoned: r.abandoned,
      contacted: r.agentId !== undefined || r.contacted === true,
      partial: r.partial === true,
      attempts: lead.attempts,
      at,
    },
    rules.retry,
    rules.maxAttempts,
  );
  const step = served ? servedCallStep(served, reached, decision, at, rules) : ordinary(decision);
  return withLaterCall({ ...step, attempts: lead.attempts, attempted }, calls.later);
}

type Step = Pick<LeadChange, 'status' | 'nextAttemptAt' | 'scheduledCall'>;

function ordinary(decision: RetryDecision): Step {
  if (decision.kind === 'retry') return { status: 'scheduled', nextAttemptAt: decision.at };
  return { status: decision.reason === 'invalid-number' ? 'invalid' : 'done', nextAttemptAt: null };
}

/**
 * The attempt was for a due callback or second confirmation (domain/campaign/callback-step.ts):
 * while the scheduled call lives the lead stays `callback` (first in the hopper, owner kept).
 */
function servedCallStep(
  served: NonNullable<ScheduledCalls['served']>,
  reached: boolean,
  decision: RetryDecision,
  at: Date,
  rules: LeadRules,
): Step {
  const base = ordinary(decision);
  const step = callbackStep(served, { dialled: true, reached }, decision, at);
  switch (step.kind) {
    case 'complete':
      return { ...base, scheduledCall: { kind: 'complete' } };
    case 'retry':
    case 'keep':
      return { status: 'callback', nextAttemptAt: step.at };
    case 'missed':
      return { ...base, scheduledCall: { kind: 'missed' } };
    case 'unreached': {
      const u = onSecondConfirmationUnreached(
        { dueAt: served.dueAt, trialEndsAt: served.trialEndsAt ?? at, extended: served.extended },
        rules.secondConfirmation,
      );
      if (u.kind === 'extend') {
        const due = u.next.dueAt < at ? at : u.next.dueAt;
        return {
          status: 'callback',
          nextAttemptAt: due,
          scheduledCall: { kind: 'extend', next: { ...u.next, dueAt: due } },
        };
      }
      // Nothing left to confirm: the lead is not dialled again for this product.
      return {
        status: base.status === 'invalid' ? 'invalid' : 'done',
        nextAttemptAt: null,
        scheduledCall: { kind: 'give-up' },
      };
    }
  }
}

/** Another pending scheduled call (one asked for during this call) brings a finished lead back. */
function withLaterCall(change: LeadChange, later: ScheduledCalls['later']): LeadChange {
  if (!later) return change;
  if (change.status === 'done') return { ...change, status: 'callback', nextAttemptAt: later.dueAt };
  if (change.status === 'callback' && change.nextAttemptAt && later.dueAt < change.nextAttemptAt)
    return { ...change, nextAttemptAt: later.dueAt };
  // A retry comes first; the attempt after it finds the scheduled call. An invalid number ends it.
  return change;
}

function disposed(lead: LeadLife, e: Extract<LeadEvent, { type: 'disposed' }>): LeadChange {
  const same = { status: lead.status, attempts: lead.attempts, nextAttemptAt: lead.nextAttemptAt };
  const ended = lead.status === 'dnc' || lead.status === 'invalid' || lead.status === 'blocked';
  // Asked not to be called: at once, even while the call is still up.
  if (e.dnc) return ended ? same : { ...same, status: 'dnc', nextAttemptAt: null };
  // The right person another day. A live call's end applies it (the ledger disposes again then).
  if (e.wrongParty && lead.status === 'done')
    return { ...same, status: 'scheduled', nextAttemptAt: new Date(e.at.getTime() + WRONG_PARTY_RETRY_MS) };
  return same;
}

function scheduled(lead: LeadLife, dueAt: Date): LeadChange {
  const same = { status: lead.status, attempts: lead.attempts, nextAttemptAt: lead.nextAttemptAt };
  // A live call: its end finds the scheduled call (ScheduledCalls.later).
  if (lead.status === 'dialling') return same;
  if (lead.status === 'callback' && lead.nextAttemptAt && lead.nextAttemptAt <= dueAt) return same;
  return { ...same, status: 'callback', nextAttemptAt: dueAt };
}
