import type { AttemptResult, ClaimedAttempt, DialAttempt, GateRefusal } from '../domain/attempt.js';

/**
 * The one writer of a campaign's leads and their scheduled calls (store/lead-ledger). Every
 * method is one event of the lead's life (domain/lead/lifecycle.ts) for one campaign; each is a
 * whole fact about an attempt, so an adapter may queue and batch them off the call path.
 */
export interface AttemptLedger {
  /** Claims up to `limit` due leads into new attempts, in the hopper's order (`claimed`). */
  claim(limit: number, now: Date): Promise<ClaimedAttempt[]>;
  /**
   * Attempts claimed before `olderThan` that never got a call row and are not being offered —
   * their process died between claim and dial. Queued again under the same ids; no event.
   */
  stranded(olderThan: Date, inFlight: ReadonlySet<string>): Promise<ClaimedAttempt[]>;
  /** The compliance gate refused the attempt (`refused-by-gate`): the refusal is a fact to keep. */
  refused(attempt: DialAttempt, refusal: GateRefusal, at: Date): Promise<void>;
  /** Attempts given back undialled (`returned`): no agent, owner busy, campaign stopped. */
  returned(attempts: readonly DialAttempt[], at: Date, nextAt?: Date): Promise<void>;
  /**
   * A dialled attempt ended (`finished`), or the next lease holder ended a call whose process
   * died (`orphaned`): the retry rules, the lead's scheduled call, a disposition given mid-call.
   */
  ended(result: AttemptResult, at: Date, how: 'finished' | 'orphaned'): Promise<void>;
}
