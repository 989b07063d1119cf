import type { TrunkSlots } from '../ports/hopper.js';

/**
 * Capacity of one trunk: at most `maxChannels` live calls and `cps` new calls per second.
 * A slot is taken *before* originate and given back when the call ends, so concurrent dialling
 * can never exceed the carrier's limits (counting after originate is how weaker dialers
 * overshoot).
 */
export class TrunkLimiter implements TrunkSlots {
  private live = 0;
  private tokens: number;
  private lastRefill: number;

  constructor(
    readonly name: string,
    readonly maxChannels: number,
    private readonly cps: number,
    private readonly now: () => number,
  ) {
    // A bucket of one second's worth: bursts up to `cps` calls, then `cps` per second.
    this.tokens = Math.max(1, cps);
    this.lastRefill = now();
  }

  /** Takes a slot if both a channel and a CPS token are free. */
  tryAcquire(): boolean {
    this.refill();
    if (this.live >= this.maxChannels || this.tokens < 1) return false;
    this.live += 1;
    this.tokens -= 1;
    return true;
  }

  release(): void {
    if (this.live > 0) this.live -= 1;
  }

  /** How many calls could start right now. */
  available(): number {
    this.refill();
    return Math.max(0, Math.min(this.maxChannels - this.live, Math.floor(this.tokens)));
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
