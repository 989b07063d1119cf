import type { ClaimedAttempt, DialAttempt } from '../domain/attempt.js';
import type { CallOutcome } from '../domain/call-outcome.js';

/**
 * A campaign's queue of claimed attempts (queues/hopper.ts: BullMQ, job id = attempt id, so an
 * attempt cannot be queued twice), in priority order: callbacks due, retries due, fresh leads.
 */
export interface HopperPort {
  add(attempts: readonly ClaimedAttempt[]): Promise<void>;
  take(): Promise<DialAttempt | undefined>;
  takeMany(n: number): Promise<DialAttempt[]>;
  size(): Promise<number>;
  /** Removes every queued attempt (the campaign stops here) and returns them. */
  drain(): Promise<DialAttempt[]>;
  close(): Promise<void>;
}

/** Exactly one process paces a campaign at a time (queues/lease.ts: a Redis lease). */
export interface LeasePort {
  readonly isHeld: boolean;
  start(): void;
  stop(): Promise<void>;
}

/** Capacity of one trunk, taken before originate (engine/trunk-limiter.ts). */
export interface TrunkSlots {
  readonly name: string;
  tryAcquire(): boolean;
  release(): void;
  /** How many calls could start right now: free channels, within the per-second allowance. */
  available(): number;
  /** Channels not in use (of `maxChannels`), whatever the per-second allowance. */
  freeChannels(): number;
  readonly maxChannels: number;
  /** A call on the trunk ended (feeds the back-off of a failing trunk). */
  ended(outcome: CallOutcome | 'not-dialled'): void;
  /** While the trunk is paused after failing calls: why, and until when. */
  backoff(): TrunkBackoffView | undefined;
}

/** A trunk paused because its calls kept failing (domain/trunk-backoff.ts). */
export interface TrunkBackoffView {
  failuresInRow: number;
  lastFailure: CallOutcome;
  /** No call starts before this; then one test call. */
  pausedUntil: Date;
  pauseSec: number;
  /** The pause if the test call fails too. */
  nextPauseSec: number;
  testCallInProgress: boolean;
}
