/**
 * Online estimators used by the predictive pacer. All are small, deterministic and O(1) or
 * O(log n) per query, because the pacer runs every second for every campaign.
 */

/**
 * A Beta posterior on a success probability with exponential forgetting: each new observation
 * multiplies the old counts by `decay`, so the estimate follows drift and its effective sample
 * size stays honest (it never exceeds 1 / (1 − decay)).
 */
export class DecayingBeta {
  private successes = 0;
  private trials = 0;

  constructor(
    private readonly decay: number,
    private readonly priorMean: number,
    private readonly priorWeight: number,
  ) {}

  add(success: boolean): void {
    this.successes = this.successes * this.decay + (success ? 1 : 0);
    this.trials = this.trials * this.decay + 1;
  }

  /** Effective number of observations behind the estimate. */
  get effectiveN(): number {
    return this.trials;
  }

  /** Posterior mean. */
  get mean(): number {
    return (this.successes + this.priorMean * this.priorWeight) / (this.trials + this.priorWeight);
  }

  /** Posterior standard deviation of the Beta. */
  get sd(): number {
    const m = this.mean;
    return Math.sqrt((m * (1 - m)) / (this.trials + this.priorWeight + 1));
  }
}

/**
 * The last `capacity` samples of a duration, with an empirical distribution. Sorting is lazy:
 * queries between additions reuse the sorted copy.
 */
export class SampleWindow {
  private readonly ring: number[] = [];
  private next = 0;
  private sorted: Float64Array = new Float64Array(0);
  private stale = 0;
  private sum = 0;

  private table: number[] = [];

  /**
   * @param capacity samples kept (older ones drop out, which is how drift is followed)
   * @param resolution seconds per step of the tabulated CDF: queries become O(1)
   */
  constructor(
    private readonly capacity: number,
    private readonly resolution = 0.25,
  ) {}

  add(x: number): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(x);
    } else {
      this.sum -= this.ring[this.next] ?? 0;
      this.ring[this.next] = x;
      this.next = (this.next + 1) % this.capacity;
    }
    this.sum += x;
    this.stale++;
  }

  get count(): number {
    return this.ring.length;
  }

  get mean(): number {
    return this.ring.length > 0 ? this.sum / this.ring.length : Number.NaN;
  }

  /** P(X ≤ x) from the samples (0 when empty), x rounded down to the table's resolution. */
  cdf(x: number): number {
    this.view();
    const i = Math.floor(x / this.resolution);
    if (i < 0 || this.table.length === 0) return 0;
    return this.table[i] ?? 1;
  }

  /**
   * The CDF as a plain function over a frozen table: for a caller that queries it many times
   * between additions (the pacer's forecast), it skips the staleness check of `cdf`.
   */
  cdfFunction(): (x: number) => number {
    this.view();
    const table = this.table;
    const step = this.resolution;
    return (x) => {
      const i = Math.floor(x / step);
      if (i < 0 || table.length === 0) return 0;
      return i < table.length ? (table[i] ?? 1) : 1;
    };
  }

  /** Smallest sample with at least a fraction q of samples ≤ it. */
  quantile(q: number): number {
    const s = this.view();
    if (s.length === 0) return Number.NaN;
    const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
    return s[i] ?? Number.NaN;
  }

  /**
   * Re-sorting on every query would dominate the pacer's cost; the distribution barely moves
   * with 1/20 of the window new, so the sorted copy is refreshed after that many additions
   * (every addition while the window is small).
   */
  private view(): Float64Array {
    const every = this.ring.length < 50 ? 1 : Math.ceil(this.capacity / 20);
    if (this.stale >= every) {
      // A typed array sorts numerically without a comparator call per comparison.
      this.sorted = Float64Array.from(this.ring).sort();
      this.stale = 0;
      this.table = tabulate(this.sorted, this.resolution);
    }
    return this.sorted;
  }
}

/** table[i] = share of samples ≤ i·step, up to the largest sample. */
export function tabulate(sorted: ArrayLike<number>, step: number): number[] {
  const n = sorted.length;
  const max = sorted[n - 1];
  if (max === undefined) return [];
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i * step <= max; i++) {
    while (j < n && (sorted[j] ?? 0) <= i * step) j++;
    out.push(j / n);
  }
  return out;
}

/** Number of elements ≤ x in an ascending array (binary search). */
export function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? Number.POSITIVE_INFINITY) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * P(X ≤ age + horizon | X > age) from a distribution function. When the condition has no mass
 * left (the agent has talked longer than any sample), fall back to a memoryless remaining time
 * with the given mean, which is what a long tail looks like.
 */
export function conditionalDoneBy(
  cdf: (x: number) => number,
  age: number,
  horizon: number,
  fallbackMean: number,
): number {
  const survivedAge = 1 - cdf(age);
  if (survivedAge <= 1e-9) return 1 - Math.exp(-Math.max(0, horizon) / fallbackMean);
  const p = (cdf(age + horizon) - cdf(age)) / survivedAge;
  return Math.min(1, Math.max(0, p));
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf), error < 1.5e-7. */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
