import { PredictivePacer } from '../pacing/predictive.js';
import type { RunSummary } from './metrics.js';
import { makeScenario } from './scenario.js';
import type { Scenario } from './scenario.js';
import { simulate } from './simulator.js';

/** A campaign's own recorded history, as the store can provide it. */
export interface CampaignHistory {
  campaign: string;
  agents: number;
  dials: number;
  humanAnswers: number;
  machineAnswers: number;
  busy: number;
  /** Originate → answer, seconds, for answered calls. */
  ringSeconds: readonly number[];
  talkSeconds: readonly number[];
  wrapSeconds: readonly number[];
  hoursPerDay?: number;
}

/** What to change before re-running the campaign. */
export interface WhatIfOverrides {
  /** Agents added (negative removes). */
  agentsDelta?: number;
  abandonTarget?: number;
  hoursPerDay?: number;
  days?: number;
  seeds?: number;
}

/** Means over seeds for the campaign as recorded and with the overrides applied. */
export interface WhatIfResult {
  scenario: Scenario;
  abandonTarget: number;
  baseline: RunSummary;
  whatIf: RunSummary;
}

const mean = (xs: readonly number[]): number => xs.reduce((t, x) => t + x, 0) / Math.max(1, xs.length);
const sd = (xs: readonly number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((t, x) => t + (x - m) * (x - m), 0) / Math.max(1, xs.length - 1));
};

/**
 * Fits the simulator's model to the history by moments (answer shares from counts, lognormal
 * ring/talk/wrap with the samples' mean and sd). Throws when the history is too thin to fit.
 */
export function scenarioFromHistory(h: CampaignHistory): Scenario {
  if (h.dials < 50 || h.talkSeconds.length < 10 || h.ringSeconds.length < 10) {
    throw new RangeError(`campaign ${h.campaign}: history too thin to simulate (need ≥ 50 dials, 10 calls)`);
  }
  return makeScenario({
    name: `history:${h.campaign}`,
    agents: h.agents,
    hoursPerDay: h.hoursPerDay ?? 8,
    pHuman: h.humanAnswers / h.dials,
    pMachine: h.machineAnswers / h.dials,
    pBusy: h.busy / h.dials,
    pCongestion: 0,
    ringMeanSeconds: mean(h.ringSeconds),
    ringSdSeconds: sd(h.ringSeconds),
    machineRingMeanSeconds: mean(h.ringSeconds),
    talkMeanSeconds: mean(h.talkSeconds),
    talkSdSeconds: sd(h.talkSeconds),
    wrapMeanSeconds: mean(h.wrapSeconds),
    wrapSdSeconds: sd(h.wrapSeconds),
  });
}

function meanSummary(runs: readonly RunSummary[]): RunSummary {
  const first = runs[0];
  if (!first) throw new Error('no runs');
  const out = { ...first };
  for (const k of Object.keys(out) as (keyof RunSummary)[]) {
    out[k] = runs.reduce((t, r) => t + r[k], 0) / runs.length;
  }
  return out;
}

/** Runs the predictive pacer on the campaign as recorded and as changed by `o`. */
export function simulateWhatIf(h: CampaignHistory, o: WhatIfOverrides = {}): WhatIfResult {
  const base = scenarioFromHistory(h);
  const changed = makeScenario({
    ...base,
    agents: Math.max(1, base.agents + (o.agentsDelta ?? 0)),
    hoursPerDay: o.hoursPerDay ?? base.hoursPerDay,
    days: o.days ?? base.days,
  });
  const target = o.abandonTarget ?? 0.03;
  const seeds = Array.from({ length: o.seeds ?? 3 }, (_, i) => 1 + i);
  const run = (s: Scenario, t: number): RunSummary =>
    meanSummary(seeds.map((seed) => simulate(s, new PredictivePacer({ abandonTarget: t }), seed)));
  return {
    scenario: changed,
    abandonTarget: target,
    baseline: run(base, 0.03),
    whatIf: run(changed, target),
  };
}
