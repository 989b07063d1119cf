/** Epoch milliseconds with sub-millisecond resolution (Date.now() only counts whole ms). */
export function hiResNow(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A guard timer for Promise.race that does not keep the process alive once the race is won. */
export function guard(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
