import type { AgentView, RingingCall } from './types.js';
import { conditionalDoneBy, normalCdf } from './estimators.js';

/** What the forecast needs to know about handle time (talk, then wrap-up). */
export interface HandleModel {
  talkCdf: (x: number) => number;
  wrapCdf: (x: number) => number;
  meanTalk: number;
  meanWrap: number;
}

/** What the forecast needs to know about dials: routed share and delay distributions. */
export interface DialModel {
  /** P(a dial ends in the agent queue). */
  pRouted: number;
  /** CDF of originate → routing delay, for routed dials. */
  routedCdf: (x: number) => number;
  /** CDF of originate → resolution delay, for all dials. */
  allCdf: (x: number) => number;
}

/** Mean and variance of a count that is a sum of independent Bernoullis. */
export interface CountForecast {
  mean: number;
  variance: number;
}

/**
 * P(this agent is free within `horizon` seconds). Talking agents need their remaining talk
 * plus a wrap-up (taken at its mean: wrap is short and steady next to talk); the talk part
 * uses the hazard of the talk distribution given the time already talked.
 */
export function agentFreeWithin(agent: AgentView, horizon: number, m: HandleModel): number {
  switch (agent.state) {
    case 'ready':
      return 1;
    case 'on-call': {
      const talkHorizon = horizon - m.meanWrap;
      if (talkHorizon <= 0) return 0;
      return conditionalDoneBy((x) => m.talkCdf(x), agent.secondsInState, talkHorizon, m.meanTalk);
    }
    case 'wrap-up':
      return conditionalDoneBy((x) => m.wrapCdf(x), agent.secondsInState, horizon, Math.max(1, m.meanWrap));
    default:
      // reserved, paused, logged-out: not coming back on a forecastable clock.
      return 0;
  }
}

/** Agents free within `horizon`: ready ones now plus busy ones by their hazard. */
export function supplyWithin(agents: readonly AgentView[], horizon: number, m: HandleModel): CountForecast {
  return supplyWithinEach(agents, [horizon], m)[0] ?? { mean: 0, variance: 0 };
}

/**
 * `supplyWithin` for several horizons in one pass over the agents (the pacer's hot loop:
 * each agent's survival to its current age is looked up once, not once per horizon).
 */
export function supplyWithinEach(
  agents: readonly AgentView[],
  horizons: readonly number[],
  m: HandleModel,
): CountForecast[] {
  const out = horizons.map(() => ({ mean: 0, variance: 0 }));
  for (const a of agents) {
    if (a.state === 'ready') {
      for (const f of out) f.mean += 1;
      continue;
    }
    if (a.state !== 'on-call' && a.state !== 'wrap-up') continue;
    const talking = a.state === 'on-call';
    const cdf = talking ? m.talkCdf : m.wrapCdf;
    const age = a.secondsInState;
    const base = cdf(age);
    const alive = 1 - base;
    const fallback = talking ? m.meanTalk : Math.max(1, m.meanWrap);
    for (let j = 0; j < horizons.length; j++) {
      const h = (horizons[j] ?? 0) - (talking ? m.meanWrap : 0);
      let q = 0;
      if (h > 0) q = alive <= 1e-9 ? 1 - Math.exp(-h / fallback) : (cdf(age + h) - base) / alive;
      q = Math.min(1, Math.max(0, q));
      const f = out[j];
      if (f) {
        f.mean += q;
        f.variance += q * (1 - q);
      }
    }
  }
  return out;
}

/** P(a dial already `age` seconds old is routed within the next `horizon` seconds). */
export function inflightRoutedWithin(age: number, horizon: number, d: DialModel): number {
  const alive = 1 - d.allCdf(age);
  if (alive <= 1e-9) return 0;
  const q = (d.pRouted * (d.routedCdf(age + horizon) - d.routedCdf(age))) / alive;
  return Math.min(1, Math.max(0, q));
}

/** Customers that will join the agent queue within `horizon` from dials already placed. */
export function demandWithin(ringing: readonly RingingCall[], horizon: number, d: DialModel): CountForecast {
  return demandWithinEach(ringing, [horizon], d)[0] ?? { mean: 0, variance: 0 };
}

/**
 * `demandWithin` for several horizons in one pass over the dials in flight. Dials placed in the
 * same decision have the same age; a run of equal ages is computed once (exact, and the common
 * case: the engine and the simulator list dials in the order they were placed).
 */
export function demandWithinEach(
  ringing: readonly RingingCall[],
  horizons: readonly number[],
  d: DialModel,
): CountForecast[] {
  const out = horizons.map(() => ({ mean: 0, variance: 0 }));
  const qs = new Array<number>(horizons.length).fill(0);
  let runAge = Number.NaN;
  let runCount = 0;
  const flush = (): void => {
    if (runCount === 0) return;
    for (let j = 0; j < horizons.length; j++) {
      const q = qs[j] ?? 0;
      const f = out[j];
      if (f) {
        f.mean += runCount * q;
        f.variance += runCount * q * (1 - q);
      }
    }
  };
  for (const c of ringing) {
    if (c.ageSeconds === runAge) {
      runCount++;
      continue;
    }
    flush();
    runAge = c.ageSeconds;
    runCount = 1;
    const alive = 1 - d.allCdf(c.ageSeconds);
    const base = d.routedCdf(c.ageSeconds);
    for (let j = 0; j < horizons.length; j++) {
      qs[j] =
        alive <= 1e-9
          ? 0
          : Math.min(
              1,
              Math.max(0, (d.pRouted * (d.routedCdf(c.ageSeconds + (horizons[j] ?? 0)) - base)) / alive),
            );
    }
  }
  flush();
  return out;
}

/** One point of the routing-delay grid a new dial is evaluated on. */
export interface GridPoint {
  /** Probability weight of a new dial being routed near this delay. */
  weight: number;
  /** P(a new dial is routed by this delay) = pRouted · F(t). */
  newRoutedBy: number;
  /** Agents free by this delay + grace. */
  supply: CountForecast;
  /** Customers ahead in the queue by this delay (waiting now + in-flight routed by then). */
  demand: CountForecast;
}

/**
 * Probability that one more dial, if routed, finds no agent within the grace period, given
 * `earlier` new dials placed in the same decision (they are ahead of it in expectation).
 * Normal approximation of (supply − demand); a customer is served when at least one agent is
 * left for them, i.e. supply − demand ≥ 1.
 */
export function abandonProbability(grid: readonly GridPoint[], earlier: number): number {
  let total = 0;
  for (const g of grid) {
    const extraMean = earlier * g.newRoutedBy;
    const extraVar = earlier * g.newRoutedBy * (1 - g.newRoutedBy);
    const mu = g.supply.mean - g.demand.mean - extraMean;
    const sigma = Math.sqrt(g.supply.variance + g.demand.variance + extraVar);
    const p = sigma < 1e-6 ? (mu < 0.5 ? 1 : 0) : normalCdf((0.5 - mu) / sigma);
    total += g.weight * p;
  }
  return total;
}
