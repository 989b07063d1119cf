/** A piecewise-linear curve over the hour of the dialling day: [[hour, value], ...]. */
export type Curve = readonly (readonly [number, number])[];

/** Everything the simulator needs to know about a call centre. Defaults in DEFAULT_SCENARIO. */
export interface Scenario {
  name: string;
  agents: number;
  days: number;
  hoursPerDay: number;
  /** Dial outcome shares (noanswer takes the rest). */
  pHuman: number;
  pMachine: number;
  pBusy: number;
  pCongestion: number;
  /** Multiplier on pHuman over the day (drift). */
  answerCurve?: Curve;
  /** Multiplier on mean talk over the day. */
  talkCurve?: Curve;
  ringMeanSeconds: number;
  ringSdSeconds: number;
  /** Mean ring time before a machine picks up (its greeting is then in AMD). */
  machineRingMeanSeconds: number;
  ringTimeoutSeconds: number;
  busySeconds: number;
  congestionSeconds: number;
  amdSeconds: number;
  /** P(AMD classifies right), for humans and machines alike. */
  amdAccuracy: number;
  /** Seconds an agent spends on a machine AMD let through. */
  machineTalkSeconds: number;
  talkMeanSeconds: number;
  talkSdSeconds: number;
  wrapMeanSeconds: number;
  wrapSdSeconds: number;
  graceSeconds: number;
  /** P(an agent pauses after a call), and how long. */
  pauseProbability: number;
  pauseMeanSeconds: number;
  /** Share of agents that log out for good at the given hour. */
  logouts?: readonly { atHour: number; fraction: number }[];
  trunkLines: number;
  /** The abandon target this world is benchmarked at (bench:pacing), over the run's --target. */
  abandonTarget?: number;
  /** bench:pacing also runs ours with the optional hourly cap (target + 1 point) on. */
  benchHourlyCap?: boolean;
}

export const DEFAULT_SCENARIO: Scenario = {
  name: 'default',
  agents: 20,
  days: 1,
  hoursPerDay: 8,
  pHuman: 0.25,
  pMachine: 0.08,
  pBusy: 0.15,
  pCongestion: 0.02,
  ringMeanSeconds: 10,
  ringSdSeconds: 5,
  machineRingMeanSeconds: 10,
  ringTimeoutSeconds: 25,
  busySeconds: 3,
  congestionSeconds: 1,
  amdSeconds: 2.5,
  amdAccuracy: 0.85,
  machineTalkSeconds: 5,
  talkMeanSeconds: 120,
  talkSdSeconds: 90,
  wrapMeanSeconds: 10,
  wrapSdSeconds: 0,
  graceSeconds: 2,
  pauseProbability: 0,
  pauseMeanSeconds: 300,
  trunkLines: 10_000,
};

/** Fills a partial scenario (as read from JSON) with defaults and checks the shares. */
export function makeScenario(partial: Partial<Scenario>): Scenario {
  const s = { ...DEFAULT_SCENARIO, ...partial };
  const fixed = s.pHuman + s.pMachine + s.pBusy + s.pCongestion;
  if (fixed > 1 + 1e-9) throw new RangeError(`scenario ${s.name}: outcome shares sum to ${fixed} > 1`);
  if (s.abandonTarget !== undefined && !(s.abandonTarget > 0 && s.abandonTarget < 0.5))
    throw new RangeError(`scenario ${s.name}: abandonTarget must be a fraction in (0, 0.5), e.g. 0.01`);
  if (s.agents < 1 || s.days < 1) throw new RangeError(`scenario ${s.name}: needs agents and days ≥ 1`);
  return s;
}

/** Value of a curve at an hour (1 outside / without a curve). */
export function curveAt(curve: Curve | undefined, hour: number): number {
  if (!curve || curve.length === 0) return 1;
  const first = curve[0];
  if (!first || hour <= first[0]) return first?.[1] ?? 1;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1];
    const b = curve[i];
    if (a && b && hour <= b[0]) return a[1] + ((b[1] - a[1]) * (hour - a[0])) / Math.max(1e-9, b[0] - a[0]);
  }
  return curve[curve.length - 1]?.[1] ?? 1;
}

/** Mean talk + wrap-up ÷ itself vs talk alone: the occupancy no pacer can pass. */
export function physicalLimit(s: Scenario): number {
  return s.talkMeanSeconds / (s.talkMeanSeconds + s.wrapMeanSeconds);
}
