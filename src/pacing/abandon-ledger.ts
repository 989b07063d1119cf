/** Human answers and abandons summed over a window. */
export interface WindowTotals {
  humans: number;
  abandons: number;
}

/** Abandon rate of a window; 0 when nothing was answered (no promise broken yet). */
export function abandonRate(t: WindowTotals): number {
  return t.humans > 0 ? t.abandons / t.humans : 0;
}

/**
 * Rate with `weight` pseudo-answers at `prior`: a window with 3 answers and 1 abandon is not yet
 * evidence of a 33% campaign, but it is evidence of something.
 */
export function smoothedRate(t: WindowTotals, prior: number, weight: number): number {
  return (t.abandons + prior * weight) / (t.humans + weight);
}

/**
 * Rolling window ledger in fixed time buckets stored as running (cumulative) totals, so any
 * window — 1 minute, 24 hours, 30 days — is one subtraction after a binary search, however
 * often the pacer asks. Records must arrive in time order (as events do).
 */
export class AbandonLedger {
  private readonly keys: number[] = [];
  private readonly cumHumans: number[] = [];
  private readonly cumAbandons: number[] = [];
  private readonly keepBuckets: number;

  constructor(
    private readonly bucketSeconds = 60,
    keepSeconds = 31 * 86_400,
  ) {
    this.keepBuckets = Math.ceil(keepSeconds / bucketSeconds);
  }

  /** A human answer reached the agent queue; `abandoned` when nobody took it in time. */
  record(now: number, abandoned: boolean): void {
    const key = Math.floor(now / this.bucketSeconds);
    const n = this.keys.length;
    const lastKey = this.keys[n - 1];
    if (lastKey === undefined || key > lastKey) {
      this.keys.push(key);
      this.cumHumans.push((this.cumHumans[n - 1] ?? 0) + 1);
      this.cumAbandons.push((this.cumAbandons[n - 1] ?? 0) + (abandoned ? 1 : 0));
      this.prune(key);
      return;
    }
    // Late record: add to its bucket's running totals and every later one.
    const from = Math.max(0, lowerBound(this.keys, key));
    if (this.keys[from] !== key) throw new RangeError(`ledger record out of order at ${now}`);
    for (let i = from; i < n; i++) {
      this.cumHumans[i] = (this.cumHumans[i] ?? 0) + 1;
      if (abandoned) this.cumAbandons[i] = (this.cumAbandons[i] ?? 0) + 1;
    }
  }

  /**
   * Totals over (now − seconds, now] in whole buckets: the bucket holding now − seconds is left
   * out, so the window is up to one bucket (60 s by default) shorter than asked.
   */
  window(now: number, seconds: number): WindowTotals {
    const last = Math.floor(now / this.bucketSeconds);
    const first = Math.floor((now - seconds) / this.bucketSeconds) + 1;
    const hi = upperKey(this.keys, last) - 1;
    const lo = lowerBound(this.keys, first) - 1;
    if (hi < 0) return { humans: 0, abandons: 0 };
    return {
      humans: (this.cumHumans[hi] ?? 0) - (lo >= 0 ? (this.cumHumans[lo] ?? 0) : 0),
      abandons: (this.cumAbandons[hi] ?? 0) - (lo >= 0 ? (this.cumAbandons[lo] ?? 0) : 0),
    };
  }

  /** Totals since the start of the calendar day containing `now` (days start at dayStart + n·86,400). */
  today(now: number, dayStart = 0): WindowTotals {
    const start = dayStart + Math.floor((now - dayStart) / 86_400) * 86_400;
    return this.window(now, now - start + 1e-6);
  }

  private prune(current: number): void {
    if (this.keys.length < 2 * this.keepBuckets) return;
    const drop = lowerBound(this.keys, current - this.keepBuckets);
    // Keep the running totals' meaning: differences stay valid after dropping a prefix.
    this.keys.splice(0, drop);
    this.cumHumans.splice(0, drop);
    this.cumAbandons.splice(0, drop);
  }
}

/** First index with keys[i] ≥ x. */
function lowerBound(keys: readonly number[], x: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] ?? Number.POSITIVE_INFINITY) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with keys[i] > x. */
function upperKey(keys: readonly number[], x: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] ?? Number.POSITIVE_INFINITY) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
