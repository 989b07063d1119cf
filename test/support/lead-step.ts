import type { AttemptResult } from '../../src/domain/attempt.js';
import type { PendingCallback } from '../../src/domain/campaign/callback-step.js';
import type { RetryRules } from '../../src/domain/campaign/retry.js';
import { DEFAULT_SECOND_CONFIRMATION } from '../../src/domain/campaign/second-confirmation.js';
import { nextLead, type LeadChange, type ScheduledCalls } from '../../src/domain/lead/lifecycle.js';

type Facts = Pick<AttemptResult, 'outcome' | 'abandoned' | 'agentId' | 'contacted' | 'partial'> & {
  gateReason?: string;
  nextEligibleAt?: Date;
};

/**
 * The lead's next step after attempt number `attempts` (the lifecycle's `finished`, or its
 * `refused-by-gate` for an attempt never dialled) — the shape the older table tests were written in.
 */
export function leadStepAfter(
  r: Facts,
  attempts: number,
  maxAttempts: number,
  retry: RetryRules,
  at: Date,
  callback?: PendingCallback,
): LeadChange {
  const lead = { status: 'dialling' as const, attempts, nextAttemptAt: null };
  const calls: ScheduledCalls = callback ? { served: { ...callback, extended: false } } : {};
  if (r.outcome === 'not-dialled') {
    const reason = r.gateReason ?? 'outside-window';
    return nextLead(lead, { type: 'refused-by-gate', at, reason, nextEligibleAt: r.nextEligibleAt }, calls);
  }
  const rules = { maxAttempts, retry, secondConfirmation: DEFAULT_SECOND_CONFIRMATION };
  return nextLead(lead, { type: 'finished', at, result: { ...r, outcome: r.outcome }, rules }, calls);
}

/** Status and next attempt only. */
export function nextLeadStep(
  ...args: Parameters<typeof leadStepAfter>
): Pick<LeadChange, 'status' | 'nextAttemptAt'> {
  const { status, nextAttemptAt } = leadStepAfter(...args);
  return { status, nextAttemptAt };
}
