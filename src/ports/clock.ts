/**
 * Time for the engine: the wall clock and its timers, injected so the engine's unit tier runs a
 * whole call (rings, the 2-second window, wrap-up) on a manual clock in milliseconds. The fake
 * PBX's clocks (pbx/fake/fake-clock.ts) have the same shape, so one ManualClock drives both.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
