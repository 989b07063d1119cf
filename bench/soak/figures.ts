/** One minute's sample of the soak: calls ended so far and this process's memory. */
export interface SoakSample {
  minute: number;
  callsEnded: number;
  live: number;
  rssMb: number;
  /** Heap in use after a full GC, MB. */
  heapMb: number;
  /** Of it, V8's code space (compiled code: grows while the JIT warms up, not with data), MB. */
  codeMb?: number;
}

/** The samples with the code space taken out of the heap: the data the process keeps. */
export function dataOnly(samples: readonly SoakSample[]): SoakSample[] {
  return samples.map((s) => ({ ...s, heapMb: s.heapMb - (s.codeMb ?? 0) }));
}

/**
 * Least-squares slope of heap (after GC) against calls ended, in MB per 1,000 calls, over the
 * samples after the first (the first minute loads code and warms caches). NaN with fewer than
 * three samples or no calls between them.
 */
export function heapSlopePer1000(samples: readonly SoakSample[]): number {
  const s = samples.slice(1);
  if (s.length < 3) return Number.NaN;
  const n = s.length;
  const mx = s.reduce((a, p) => a + p.callsEnded, 0) / n;
  const my = s.reduce((a, p) => a + p.heapMb, 0) / n;
  const sxx = s.reduce((a, p) => a + (p.callsEnded - mx) ** 2, 0);
  if (sxx === 0) return Number.NaN;
  const sxy = s.reduce((a, p) => a + (p.callsEnded - mx) * (p.heapMb - my), 0);
  return (sxy / sxx) * 1000;
}

/** The spread of heap around that line (MB): what "within noise" is measured against. */
export function heapResidualMb(samples: readonly SoakSample[]): number {
  const s = samples.slice(1);
  const slope = heapSlopePer1000(samples) / 1000;
  if (!Number.isFinite(slope)) return Number.NaN;
  const mx = s.reduce((a, p) => a + p.callsEnded, 0) / s.length;
  const my = s.reduce((a, p) => a + p.heapMb, 0) / s.length;
  const r = s.map((p) => p.heapMb - (my + slope * (p.callsEnded - mx)));
  return Math.sqrt(r.reduce((a, x) => a + x * x, 0) / Math.max(1, s.length - 2));
}
