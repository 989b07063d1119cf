import type { RetryDecision } from './retry.js';

/** A pending scheduled call of the lead being dialled (`callbacks` row). */
export interface PendingCallback {
  kind: 'callback' | 'second-confirmation' | 'corrective';
  dueAt: Date;
  trialEndsAt: Date | null;
}

/** What an attempt does to the lead's pending scheduled call. */
export type CallbackStep =
  /** The customer was reached: the scheduled call is done. */
  | { kind: 'complete' }
  /** Not reached; try again at `at`, still as a scheduled call (first in the hopper). */
  | { kind: 'retry'; at: Date }
  /** A second confirmation that cannot reach the customer before the trial ends. */
  | { kind: 'unreached' }
  /** A callback the retry rules give up on. */
  | { kind: 'missed' }
  /** The attempt was never made (the gate refused it): keep it, from `at`. */
  | { kind: 'keep'; at: Date };

/**
 * Pure: the life of a callback or second-confirmation call across attempts. A reached customer
 * completes it. An unreached one is retried on the campaign's retry rules but stays a scheduled
 * call (its priority and owner kept). A second confirmation whose next try would not come before
 * the trial ends — or that the retry rules give up on — is "unreached": the trial is extended
 * once and the call scheduled again (requirements §3), after which it is missed and the product
 * must not be charged.
 */
export function callbackStep(
  cb: PendingCallback,
  attempt: { dialled: boolean; reached: boolean; nextEligibleAt?: Date },
  retry: RetryDecision,
  at: Date,
): CallbackStep {
  if (!attempt.dialled)
    return { kind: 'keep', at: attempt.nextEligibleAt ?? new Date(at.getTime() + 60_000) };
  if (attempt.reached) return { kind: 'complete' };
  const next = retry.kind === 'retry' ? retry.at : undefined;
  if (cb.kind === 'second-confirmation') {
    if (!next || !cb.trialEndsAt || next >= cb.trialEndsAt) return { kind: 'unreached' };
    return { kind: 'retry', at: next };
  }
  return next ? { kind: 'retry', at: next } : { kind: 'missed' };
}
