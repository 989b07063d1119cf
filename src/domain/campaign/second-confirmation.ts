/**
 * Trial-period products need a second confirmation call before the customer is charged; if the
 * customer cannot be reached, the trial is extended once and called again before the second
 * trial ends (requirements §3). These pure rules decide the `callbacks` rows.
 */
export interface SecondConfirmationPolicy {
  /** Call this many hours before the trial ends, so retries still fit [48]. */
  leadHours: number;
  /** Length of the one-time extension, in days [7]. */
  extensionDays: number;
}

export const DEFAULT_SECOND_CONFIRMATION: SecondConfirmationPolicy = { leadHours: 48, extensionDays: 7 };

/** A second-confirmation job as it is stored (kind `second-confirmation`). */
export interface SecondConfirmation {
  dueAt: Date;
  trialEndsAt: Date;
  extended: boolean;
}

const HOUR = 3_600_000;

/** Schedules the call `leadHours` before the trial ends (or now, if that is already past). */
export function scheduleSecondConfirmation(
  trialEndsAt: Date,
  now: Date,
  policy: SecondConfirmationPolicy = DEFAULT_SECOND_CONFIRMATION,
): SecondConfirmation {
  if (trialEndsAt.getTime() <= now.getTime()) {
    throw new RangeError(`trialEndsAt ${trialEndsAt.toISOString()} is not in the future`);
  }
  const due = Math.max(now.getTime(), trialEndsAt.getTime() - policy.leadHours * HOUR);
  return { dueAt: new Date(due), trialEndsAt, extended: false };
}

export type UnreachedStep =
  { kind: 'extend'; next: SecondConfirmation } | { kind: 'give-up'; reason: 'already-extended' };

/**
 * The customer was not reached before the trial ended: extend the trial once and schedule a new
 * call; after the extension has been used, give up (the product must not be charged).
 */
export function onSecondConfirmationUnreached(
  current: SecondConfirmation,
  policy: SecondConfirmationPolicy = DEFAULT_SECOND_CONFIRMATION,
): UnreachedStep {
  if (current.extended) return { kind: 'give-up', reason: 'already-extended' };
  const trialEndsAt = new Date(current.trialEndsAt.getTime() + policy.extensionDays * 24 * HOUR);
  const dueAt = new Date(trialEndsAt.getTime() - policy.leadHours * HOUR);
  return { kind: 'extend', next: { dueAt, trialEndsAt, extended: true } };
}
