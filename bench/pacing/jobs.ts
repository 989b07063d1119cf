import { PredictivePacer } from '../../src/pacing/predictive.js';
import { FixedRatioPacer } from '../../src/pacing/simple-pacers.js';
import type { Pacer } from '../../src/pacing/types.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { simulate } from '../../src/sim/simulator.js';
import type { RunResult } from '../../src/sim/simulator.js';
import { POLICIES, vicidial } from './policies.js';

/** One simulated run, as sent to a worker: plain data (structured-cloned). */
export interface Job {
  scenario: Scenario;
  /**
   * A name from POLICIES; 'ratio' for a fixed dial ratio `ratio` (the frontier); 'vicidial-tuned'
   * for ADAPT_TAPERED with its maximum dial level set to `ratio`.
   */
  policy: string;
  ratio?: number;
  /** The bench's abandon target (VICIdial's drop target, ours' promise). */
  target: number;
  /** For 'predictive': an abandon target other than the bench's (the matched comparison). */
  abandonTarget?: number;
  /** Name the row is reported under. */
  label: string;
  seed: number;
  timeline?: boolean;
}

function pacerFor(job: Job): Pacer {
  if (job.policy === 'ratio') return new FixedRatioPacer(job.ratio ?? 1);
  if (job.policy === 'vicidial-tuned') return vicidial('TAPERED', job.scenario, job.target, job.ratio);
  if (job.policy === 'predictive' && job.abandonTarget !== undefined)
    return new PredictivePacer({ abandonTarget: job.abandonTarget });
  const p = POLICIES.find((x) => x.name === job.policy);
  if (!p) throw new Error(`unknown policy ${job.policy}`);
  return p.make(job.scenario, job.target);
}

/** Runs one job in this thread. */
export function runJob(job: Job): RunResult {
  const r = simulate(job.scenario, pacerFor(job), job.seed, { timeline: job.timeline === true });
  return { ...r, policy: job.label };
}
