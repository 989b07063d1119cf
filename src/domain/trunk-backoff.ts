import type { CallOutcome } from './call-outcome.js';

/**
 * Backing off a trunk that refuses calls (a carrier answering 503 to everything, a trunk that is
 * down): after `failuresToPause` calls in a row end as trunk failures, no call starts on the trunk
 * for a pause; then one test call may start. If it fails the pause doubles (up to `maxPauseSec`);
 * any call the carrier routes (answered, busy, no answer, rejected, invalid number…) ends the
 * back-off at once. Pure: the trunk limiter keeps the state and asks these functions.
 */
export interface TrunkBackoffSettings {
  /** Trunk failures in a row that pause the trunk. */
  failuresToPause: number;
  /** The first pause, seconds; each further failed test call doubles it. */
  firstPauseSec: number;
  maxPauseSec: number;
}

export const DEFAULT_TRUNK_BACKOFF: TrunkBackoffSettings = {
  failuresToPause: 5,
  firstPauseSec: 10,
  maxPauseSec: 300,
};

/**
 * Outcomes that say the trunk, not the called party, failed: congestion (SIP 503, Q.850 34/42/44)
 * and failed (Q.850 38/41 and other network failures, an originate the PBX could not place).
 */
export const TRUNK_FAILURES: ReadonlySet<CallOutcome> = new Set<CallOutcome>(['congestion', 'failed']);

export interface TrunkBackoffState {
  failuresInRow: number;
  /** Pauses since the trunk last routed a call (the exponent of the next pause). */
  pauses: number;
  /** Epoch ms until which no call starts; null: not paused. */
  pausedUntil: number | null;
  /** A test call after a pause is in progress: no other starts until it ends. */
  probing: boolean;
  /** The outcome of the last trunk failure, for the doctor. */
  lastFailure?: CallOutcome;
}

export const NO_BACKOFF: TrunkBackoffState = {
  failuresInRow: 0,
  pauses: 0,
  pausedUntil: null,
  probing: false,
};

/** Length of the `pauses`-th pause (1-based), ms. */
export function pauseMs(pauses: number, s: TrunkBackoffSettings): number {
  return Math.min(s.maxPauseSec, s.firstPauseSec * 2 ** Math.max(0, pauses - 1)) * 1000;
}

/** What may start now: `yes`, `probe` (one test call, after a pause), or `no`. */
export function mayStart(state: TrunkBackoffState, now: number): 'yes' | 'probe' | 'no' {
  if (state.pausedUntil === null) return 'yes';
  if (now < state.pausedUntil || state.probing) return 'no';
  return 'probe';
}

/** A test call starts (mayStart said `probe`). */
export function probeStarted(state: TrunkBackoffState): TrunkBackoffState {
  return { ...state, probing: true };
}

/** A call on the trunk ended with `outcome` at `now`. */
export function callEnded(
  state: TrunkBackoffState,
  outcome: CallOutcome,
  now: number,
  s: TrunkBackoffSettings,
): TrunkBackoffState {
  if (!TRUNK_FAILURES.has(outcome)) return NO_BACKOFF;
  const failuresInRow = state.failuresInRow + 1;
  const probeFailed = state.probing;
  // Calls that were already ringing when the pause began end during it: they do not extend it.
  if (state.pausedUntil !== null && !probeFailed) return { ...state, failuresInRow, lastFailure: outcome };
  if (!probeFailed && failuresInRow < s.failuresToPause)
    return { ...state, failuresInRow, lastFailure: outcome };
  const pauses = state.pauses + 1;
  return {
    failuresInRow,
    pauses,
    pausedUntil: now + pauseMs(pauses, s),
    probing: false,
    lastFailure: outcome,
  };
}
