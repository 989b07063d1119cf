import type { RunResult } from '../../src/sim/simulator.js';

/** One scenario × policy over all seeds: means, plus worst windows over every seed. */
export interface Row {
  scenario: string;
  policy: string;
  agents: number;
  seeds: number;
  occupancy: number;
  /** (talk + wrap) ÷ logged-in: the ρ benchmarks.md's reference figures are in. */
  busy: number;
  talkMin: number;
  abandon: number;
  ofcom: number;
  worst1h: number;
  worst24h: number;
  worst30d: number;
  idleP50: number;
  idleP95: number;
  waitP99: number;
  linesPerAgent: number;
  /** Seeds with a 24 h or 30-day window over the target. */
  violations: number;
}

export function aggregate(runs: readonly RunResult[], agents: number, target: number): Row {
  const first = runs[0];
  if (!first) throw new Error('no runs to aggregate');
  const mean = (f: (r: RunResult) => number): number => runs.reduce((t, r) => t + f(r), 0) / runs.length;
  const max = (f: (r: RunResult) => number): number => Math.max(...runs.map(f));
  return {
    scenario: first.scenario,
    policy: first.policy,
    agents,
    seeds: runs.length,
    occupancy: mean((r) => r.occupancy),
    busy: mean((r) => r.busyShare),
    talkMin: mean((r) => r.talkMinPerAgentHour),
    abandon: mean((r) => r.abandonRate),
    ofcom: mean((r) => r.ofcomRate),
    worst1h: max((r) => r.worst1h),
    worst24h: max((r) => r.worst24h),
    worst30d: max((r) => r.worst30d),
    idleP50: mean((r) => r.idleP50),
    idleP95: mean((r) => r.idleP95),
    waitP99: max((r) => r.waitP99),
    linesPerAgent: mean((r) => r.linesPerAgent),
    violations: runs.filter((r) => r.worst24h > target + 1e-12 || r.worst30d > target + 1e-12).length,
  };
}

/** Pooled abandon rate (Σ abandons ÷ Σ answers) and mean occupancy of a set of runs. */
export function pooled(runs: readonly RunResult[]): { abandonRate: number; occupancy: number } {
  const humans = runs.reduce((t, r) => t + r.humans, 0);
  const abandons = runs.reduce((t, r) => t + r.abandons, 0);
  return {
    abandonRate: humans > 0 ? abandons / humans : 0,
    occupancy: runs.reduce((t, r) => t + r.occupancy, 0) / Math.max(1, runs.length),
  };
}
