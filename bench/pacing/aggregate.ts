import type { RunResult } from '../../src/sim/simulator.js';

/** One scenario × policy over all seeds: means, plus worst windows over every seed. */
export interface Row {
  scenario: string;
  policy: string;
  agents: number;
  seeds: number;
  occupancy: number;
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
