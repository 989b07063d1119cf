import { PredictivePacer } from '../../src/pacing/predictive.js';
import { FixedRatioPacer, ProgressivePacer } from '../../src/pacing/simple-pacers.js';
import type { Pacer } from '../../src/pacing/types.js';
import { VicidialAdaptivePacer } from '../../src/pacing/vicidial-adaptive.js';
import type { DropLimitMode } from '../../src/pacing/vicidial-adaptive.js';
import type { Scenario } from '../../src/sim/scenario.js';

/** The simulated dialling day starts at 09:00 on the server clock. */
const DAY_START_HOUR = 9;

/**
 * VICIdial with its default settings (max level 3.0, intensity 0, diff target
 * 0) and the bench's drop target, in one of its three drop-limit modes; adaptive_latest_server_time is the end of the
 * dialling day, which is what VICIdial's help asks for ADAPT_TAPERED.
 */
export function vicidial(mode: DropLimitMode, s: Scenario, target: number, maxLevel?: number): Pacer {
  const end = DAY_START_HOUR + s.hoursPerDay;
  return new VicidialAdaptivePacer(
    {
      mode,
      dropTargetPercent: 100 * target,
      clockOffsetSeconds: DAY_START_HOUR * 3600,
      latestServerTime: Math.floor(end) * 100 + Math.round((end % 1) * 60),
      ...(maxLevel === undefined ? {} : { maxLevel }),
    },
    `vicidial-${mode === 'HARD_LIMIT' ? 'hard' : mode.toLowerCase()}`,
  );
}

/**
 * Maximum dial levels an admin would try when tuning VICIdial offline (its default is 3.0): a
 * lower cap stops the start-of-day overshoot that otherwise trips the daily drop limit.
 */
export const VICIDIAL_LEVEL_GRID: readonly number[] = [1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 2, 2.5, 3];

/** Policies compared in every run; a fresh pacer per run so no state leaks between seeds. */
export const POLICIES: readonly { name: string; make: (s: Scenario, target: number) => Pacer }[] = [
  { name: 'progressive', make: () => new ProgressivePacer() },
  { name: 'fixed-2.0', make: () => new FixedRatioPacer(2) },
  { name: 'vicidial-hard', make: (s, t) => vicidial('HARD_LIMIT', s, t) },
  { name: 'vicidial-tapered', make: (s, t) => vicidial('TAPERED', s, t) },
  { name: 'vicidial-average', make: (s, t) => vicidial('AVERAGE', s, t) },
  { name: 'predictive', make: (_s, t) => new PredictivePacer({ abandonTarget: t }) },
];
