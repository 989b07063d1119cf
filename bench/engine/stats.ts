/** Pure statistics for the engine benchmark (table-tested in test/unit/bench-engine-stats.test.ts). */
import { Rng } from '../../src/sim/rng.js';

export interface Spread {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (p in 0–100) of an unsorted sample; NaN when it is empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN };
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: Math.max(...values),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
  };
}

/** Share of values at or under `limit` (0–1); NaN when empty. */
export function shareAtMost(values: readonly number[], limit: number): number {
  if (values.length === 0) return Number.NaN;
  return values.filter((v) => v <= limit).length / values.length;
}

/**
 * Sustained rate of events (per second) over their middle part: the first and last `trim`
 * share of events are left out so ramp-up and drain do not count. NaN with under 10 events.
 */
export function sustainedRate(timesMs: readonly number[], trim = 0.1): number {
  if (timesMs.length < 10) return Number.NaN;
  const sorted = [...timesMs].sort((a, b) => a - b);
  const lo = Math.floor(sorted.length * trim);
  const hi = Math.ceil(sorted.length * (1 - trim)) - 1;
  const span = ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) / 1000;
  return span > 0 ? (hi - lo) / span : Number.NaN;
}

/** Most intervals [start, end) open at one instant. */
export function peakOverlap(intervals: readonly { start: number; end: number }[]): number {
  const edges: [number, number][] = [];
  for (const i of intervals) edges.push([i.start, 1], [i.end, -1]);
  // Ends before starts at the same instant: a call that ends as another begins is not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, d] of edges) {
    open += d;
    peak = Math.max(peak, open);
  }
  return peak;
}

/** Deterministic pseudo-random numbers in [0, 1) (the simulator's mulberry32), so a run's workload is repeatable. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}
