import { PredictivePacer } from '../../src/pacing/predictive.js';
import { FixedRatioPacer, ProgressivePacer } from '../../src/pacing/simple-pacers.js';
import type { Pacer } from '../../src/pacing/types.js';
import { VicidialAdaptivePacer } from '../../src/pacing/vicidial-adaptive.js';
import type { Scenario } from '../../src/sim/scenario.js';

/** Policies compared in every run; a fresh pacer per run so no state leaks between seeds. */
export const POLICIES: readonly { name: string; make: (s: Scenario) => Pacer }[] = [
  { name: 'progressive', make: () => new ProgressivePacer() },
  { name: 'fixed-2.0', make: () => new FixedRatioPacer(2) },
  { name: 'vicidial-adapt', make: (s) => new VicidialAdaptivePacer({ daySeconds: s.hoursPerDay * 3600 }) },
  { name: 'predictive', make: () => new PredictivePacer() },
];
