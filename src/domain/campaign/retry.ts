import type { CallOutcome } from '../call-outcome.js';

/**
 * Outcomes that have a retry rule; `abandoned` is an answered call no agent took in time;
 * `partial` is an agentless call a person answered without finishing its survey or message.
 */
export const RETRY_OUTCOMES = [
  'busy',
  'no-answer',
  'congestion',
  'machine',
  'failed',
  'rejected',
  'abandoned',
  'partial',
] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];

/** Minutes until the next try per outcome; `null` = do not retry (the lead is finished). */
export type RetryRules = Record<RetryOutcome, number | null>;

export const DEFAULT_RETRY_RULES: RetryRules = {
  busy: 10,
  'no-answer': 60,
  congestion: 5,
  machine: 240,
  failed: 5,
  rejected: 24 * 60,
  // Ofcom: no repeat within 72 h of an abandon unless a live agent is guaranteed.
  abandoned: 72 * 60,
  // A person answered but left the survey (or gave no valid answer): try once more tomorrow,
  // not within the hour — they were reached and may have meant it (maxAttempts still caps it).
  partial: 24 * 60,
};

/** What to do with a lead after one attempt. */
export type RetryDecision =
  | { kind: 'retry'; at: Date }
  | { kind: 'done'; reason: 'contacted' | 'max-attempts' | 'invalid-number' | 'no-retry-rule' };

export interface AttemptSummary {
  outcome: CallOutcome;
  /** Answered live but no agent took it within the connect limit. */
  abandoned: boolean;
  /** An agent talked to the customer, or an agentless call's script was heard to the end. */
  contacted: boolean;
  /** Agentless: a person answered but did not finish the survey (retried as `partial`). */
  partial?: boolean;
  /** Attempts made so far, including this one. */
  attempts: number;
  at: Date;
}

/**
 * Pure retry policy. An abandoned call waits the `abandoned` delay even if the next try
 * would have a live agent — the gate lets a live-agent call through earlier, which is the
 * Ofcom exception; the default schedule stays conservative.
 */
export function decideRetry(a: AttemptSummary, rules: RetryRules, maxAttempts: number): RetryDecision {
  if (a.outcome === 'invalid-number') return { kind: 'done', reason: 'invalid-number' };
  if (a.contacted && !a.abandoned) return { kind: 'done', reason: 'contacted' };
  if (a.attempts >= maxAttempts) return { kind: 'done', reason: 'max-attempts' };
  const key: RetryOutcome = a.abandoned
    ? 'abandoned'
    : a.partial
      ? 'partial'
      : a.outcome === 'answered'
        ? 'no-answer'
        : a.outcome;
  const minutes = rules[key];
  if (minutes === null) return { kind: 'done', reason: 'no-retry-rule' };
  return { kind: 'retry', at: new Date(a.at.getTime() + minutes * 60_000) };
}
