/** The timers the fake PBX schedules its far-end behaviour with; injectable so tests run fast. */
export interface FakeClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Real timers with every delay divided by `speed` (speed 10: a 1 s ring takes 100 ms). `now()`
 * stays wall-clock time so event timestamps remain comparable with the rest of the process.
 */
export function realClock(speed = 1): FakeClock {
  if (!(speed > 0)) throw new Error('speed must be > 0');
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms / speed),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

/** A clock that only moves when told to: `advance(ms)` runs every timer due by then, in order. */
export class ManualClock implements FakeClock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward, firing due timers (including ones they schedule) in time order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }

  /** Number of pending timers (a test can check the fake left nothing behind). */
  get pending(): number {
    return this.timers.size;
  }
}
