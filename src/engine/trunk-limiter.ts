import type { CallOutcome } from '../domain/call-outcome.js';
import {
  callEnded,
  DEFAULT_TRUNK_BACKOFF,
  mayStart,
  NO_BACKOFF,
  pauseMs,
  probeStarted,
  type TrunkBackoffSettings,
  type TrunkBackoffState,
} from '../domain/trunk-backoff.js';
import type { TrunkBackoffView, TrunkSlots } from '../ports/hopper.js';

/**
 * Capacity of one trunk: at most `maxChannels` live calls and `cps` new calls per second.
 * A slot is taken *before* originate and given back when the call ends, so concurrent dialling
 * can never exceed the carrier's limits (counting after originate is how weaker dialers
 * overshoot). A trunk that keeps failing calls is paused (domain/trunk-backoff.ts): no slot is
 * given while it is, then one test call.
 */
export class TrunkLimiter implements TrunkSlots {
  private live = 0;
  private tokens: number;
  private lastRefill: number;
  private health: TrunkBackoffState = NO_BACKOFF;

  constructor(
    readonly name: string,
    readonly maxChannels: number,
    private readonly cps: number,
    private readonly now: () => number,
    private readonly backoffSettings: TrunkBackoffSettings = DEFAULT_TRUNK_BACKOFF,
    /** Told when the trunk is paused (with its view) and when it routes calls again (undefined). */
    private readonly onBackoff: (view: TrunkBackoffView | undefined) => void = () => undefined,
  ) {
    // A bucket of one second's worth: bursts up to `cps` calls, then `cps` per second.
    this.tokens = Math.max(1, cps);
    this.lastRefill = now();
  }

  /** Takes a slot if both a channel and a CPS token are free and the trunk is not paused. */
  tryAcquire(): boolean {
    this.refill();
    if (this.live >= this.maxChannels || this.tokens < 1) return false;
    const may = mayStart(this.health, this.now());
    if (may === 'no') return false;
    if (may === 'probe') this.health = probeStarted(this.health);
    this.live += 1;
    this.tokens -= 1;
    return true;
  }

  release(): void {
    if (this.live > 0) this.live -= 1;
  }

  /** A call on this trunk ended: feeds the back-off. */
  ended(outcome: CallOutcome | 'not-dialled'): void {
    if (outcome === 'not-dialled') return;
    const before = this.health;
    this.health = callEnded(this.health, outcome, this.now(), this.backoffSettings);
    if (this.health.pausedUntil !== before.pausedUntil) this.onBackoff(this.backoff());
  }

  /** The back-off, while the trunk is paused or waiting for its test call. */
  backoff(): TrunkBackoffView | undefined {
    const h = this.health;
    if (h.pausedUntil === null) return undefined;
    return {
      failuresInRow: h.failuresInRow,
      lastFailure: h.lastFailure ?? 'failed',
      pausedUntil: new Date(h.pausedUntil),
      pauseSec: pauseMs(h.pauses, this.backoffSettings) / 1000,
      nextPauseSec: pauseMs(h.pauses + 1, this.backoffSettings) / 1000,
      testCallInProgress: h.probing,
    };
  }

  /** How many calls could start right now. */
  available(): number {
    this.refill();
    const may = mayStart(this.health, this.now());
    if (may === 'no') return 0;
    const free = Math.max(0, Math.min(this.maxChannels - this.live, Math.floor(this.tokens)));
    return may === 'probe' ? Math.min(1, free) : free;
  }

  freeChannels(): number {
    return Math.max(0, this.maxChannels - this.live);
  }

  get liveCalls(): number {
    return this.live;
  }

  private refill(): void {
    const t = this.now();
    const elapsed = (t - this.lastRefill) / 1000;
    this.lastRefill = t;
    this.tokens = Math.min(Math.max(1, this.cps), this.tokens + elapsed * this.cps);
  }
}
