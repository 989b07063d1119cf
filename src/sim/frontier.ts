/**
 * The tuned-ratio frontier of docs/benchmarks.md: a fixed dial ratio (VICIdial's RATIO dial
 * level: ratio × (ready + talking agents) − calls in progress) tuned offline, per scenario, to
 * the abandon target. It knows the scenario in advance, which a live pacer does not, so it is
 * the practical bound a live pacer is measured against.
 */

/** What one trial ratio gave on the tuning seeds (pooled: Σ abandons ÷ Σ human answers). */
export interface RatioTrial {
  ratio: number;
  abandonRate: number;
  occupancy: number;
}

export interface TuneOptions {
  target: number;
  /** Bottom of the search (1.0 dials like progressive, so it is under any target). */
  lo: number;
  /** First ratio tried; raised × `growth` while still under the target, up to `max`. */
  start: number;
  growth: number;
  max: number;
  /** Stop when the bracket is this narrow. */
  tolerance: number;
  maxSteps: number;
}

export const DEFAULT_TUNE: TuneOptions = {
  target: 0.03,
  lo: 1,
  start: 2,
  growth: 1.5,
  max: 8,
  tolerance: 0.01,
  maxSteps: 12,
};

/** The tuned ratio and every trial on the way (for the log). */
export interface TuneResult {
  best: RatioTrial;
  trials: RatioTrial[];
  /** True when even `max` stays under the target (the bound is then `max`, not tuned). */
  capped: boolean;
}

/**
 * Bisection on the ratio for the largest one whose pooled abandon rate is at or under the
 * target. The bracket is found from below (start, × growth …) because a high ratio is costly to
 * simulate (every extra line is a dial to play out). Abandon grows with the ratio (more lines
 * per agent), which bisection needs; the evaluator should use the same seeds for every trial
 * (common random numbers) so that noise does not break that order. When even `lo` is over the
 * target, `lo` is returned.
 */
export async function tuneRatio(
  evaluate: (ratio: number) => Promise<RatioTrial>,
  options: Partial<TuneOptions> = {},
): Promise<TuneResult> {
  const o = { ...DEFAULT_TUNE, ...options };
  const trials: RatioTrial[] = [];
  const run = async (r: number): Promise<RatioTrial> => {
    const t = await evaluate(r);
    trials.push(t);
    return t;
  };
  let lo = o.lo;
  let hi = o.start;
  let below: RatioTrial | undefined;
  let t = await run(hi);
  while (t.abandonRate <= o.target) {
    if (hi >= o.max) return { best: t, trials, capped: true };
    lo = hi;
    below = t;
    hi = Math.min(o.max, hi * o.growth);
    t = await run(hi);
  }
  below ??= await run(lo);
  if (below.abandonRate > o.target) return { best: below, trials, capped: false };
  for (let step = 0; step < o.maxSteps && hi - lo > o.tolerance; step++) {
    const mid = (lo + hi) / 2;
    const m = await run(mid);
    if (m.abandonRate <= o.target) {
      lo = mid;
      below = m;
    } else hi = mid;
  }
  return { best: below, trials, capped: false };
}

/** One point of a grid search: a setting's pooled abandon rate and mean occupancy. */
export interface GridTrial {
  value: number;
  abandonRate: number;
  occupancy: number;
}

/**
 * The grid point with the most occupancy among those at or under the target (the first point
 * when none is). For settings whose effect is not monotone — VICIdial's maximum dial level: too
 * low starves the agents, too high overshoots early and the daily drop limit then clamps the
 * level for the rest of the day — where bisection does not apply.
 */
export function bestOnGrid(trials: readonly GridTrial[], target: number): GridTrial | undefined {
  let best: GridTrial | undefined;
  for (const t of trials) if (t.abandonRate <= target && (!best || t.occupancy > best.occupancy)) best = t;
  return best ?? trials[0];
}

/** Evaluates every grid value (concurrently) and picks with `bestOnGrid`. */
export async function tuneOnGrid(
  evaluate: (value: number) => Promise<GridTrial>,
  values: readonly number[],
  target: number,
): Promise<{ best: GridTrial; trials: GridTrial[] }> {
  const trials = await Promise.all(values.map((v) => evaluate(v)));
  const best = bestOnGrid(trials, target);
  if (!best) throw new Error('tuneOnGrid needs at least one value');
  return { best, trials };
}
