import { smoothedRate } from './abandon-ledger.js';
import { DecayingBeta, SampleWindow } from './estimators.js';
import { abandonProbability, demandWithinEach, supplyWithinEach } from './forecast.js';
import type { DialModel, GridPoint, HandleModel } from './forecast.js';
import type { Pacer, PacerDecision, PacerObservation, PacerState } from './types.js';
import { activeCount, readyCount } from './types.js';
import { progressiveLines } from './simple-pacers.js';

/** Tunables of the predictive pacer; defaults are the benchmarked ones. */
export interface PredictiveConfig {
  /** Promise: abandons ÷ human answers in every window (0.03 = US 3%). */
  abandonTarget: number;
  /** Seconds a routed customer may wait for an agent (2 s rule). */
  graceSeconds: number;
  /** Hard cap on dials in flight per active agent. */
  maxLinesPerAgent: number;
  /** Points on the routing-delay grid. */
  gridPoints: number;
  /** Per-dial forgetting of the fast and slow answer-rate estimates. */
  fastDecay: number;
  slowDecay: number;
  /** Samples needed before the pacer trusts its estimates (else progressive). */
  minRoutedSamples: number;
  minHandleSamples: number;
  /** Standard deviations added to the answer-rate estimate. */
  z: number;
}

export const DEFAULT_PREDICTIVE: PredictiveConfig = {
  abandonTarget: 0.03,
  graceSeconds: 2,
  maxLinesPerAgent: 6,
  gridPoints: 8,
  fastDecay: 0.99,
  slowDecay: 0.998,
  minRoutedSamples: 20,
  minHandleSamples: 10,
  z: 2,
};

/** Inputs to the safety margin, kept separate so it is a pure, table-testable rule. */
export interface MarginInputs {
  activeAgents: number;
  /** |fast − slow| ÷ slow answer-rate estimate. */
  drift: number;
  /** Effective routed-dial samples. */
  routedSamples: number;
}

/**
 * Fraction of the target held back. Small teams get more (supply is lumpy: one long call is a
 * large share of capacity), drifting answer rates and thin samples too.
 */
export function safetyMargin(m: MarginInputs): number {
  const team = 0.5 / Math.sqrt(Math.max(1, m.activeAgents));
  const drift = Math.min(0.3, m.drift);
  const thin = Math.min(0.3, 3 / Math.sqrt(Math.max(1, m.routedSamples)));
  return Math.min(0.9, 0.1 + team + drift + thin);
}

/**
 * How much of the per-call abandon allowance the ledger still grants: MAX_MULTIPLIER × the goal
 * while the worst window is under half the goal, falling linearly to 0 (progressive) as it
 * reaches the goal. A single dial may exceed the goal because most dials are placed when
 * agents are plentiful and carry far less risk; the window feedback keeps the average honest.
 */
/** Largest multiple of the goal a single dial's abandon probability may reach while windows have slack. */
const MAX_MULTIPLIER = 3;
export function budgetMultiplier(worstWindowRate: number, goal: number): number {
  if (goal <= 0) return 0;
  return Math.min(MAX_MULTIPLIER, Math.max(0, 2 * MAX_MULTIPLIER * (1 - worstWindowRate / goal)));
}

/** The predictive pacer: estimates online, forecasts agent supply, dials to an abandon budget. */
export class PredictivePacer implements Pacer {
  readonly name = 'predictive';
  private readonly cfg: PredictiveConfig;
  private readonly fast: DecayingBeta;
  private readonly slow: DecayingBeta;
  private readonly routedDelay = new SampleWindow(400);
  private readonly allDelay = new SampleWindow(800);
  private readonly talk = new SampleWindow(300, 1);
  private readonly wrap = new SampleWindow(300, 1);
  private lastFullAt = Number.NEGATIVE_INFINITY;

  constructor(cfg: Partial<PredictiveConfig> = {}) {
    this.cfg = { ...DEFAULT_PREDICTIVE, ...cfg };
    this.fast = new DecayingBeta(this.cfg.fastDecay, 0.2, 10);
    this.slow = new DecayingBeta(this.cfg.slowDecay, 0.2, 10);
  }

  observe(o: PacerObservation): void {
    if (o.type === 'dial-resolved') {
      this.fast.add(o.routed);
      this.slow.add(o.routed);
      this.allDelay.add(o.delaySeconds);
      if (o.routed) this.routedDelay.add(o.delaySeconds);
    } else {
      this.talk.add(o.talkSeconds);
      this.wrap.add(o.wrapSeconds);
    }
  }

  decide(s: PacerState): PacerDecision {
    const active = activeCount(s.agents);
    const ready = readyCount(s.agents);
    const floor = Math.min(s.trunkFreeLines, progressiveLines(s));
    const base = { active, ready, ringing: s.ringing.length, waiting: s.waitingCustomers };
    if (active === 0) return { lines: 0, reason: 'no active agents', inputs: base };
    if (this.routedDelay.count < this.cfg.minRoutedSamples || this.talk.count < this.cfg.minHandleSamples) {
      return { lines: floor, reason: 'warming up: progressive until estimates have samples', inputs: base };
    }
    // Asked again within the same second (an agent turned ready): cover ready agents only;
    // the full forecast runs once per second, which is the cadence it is designed for.
    if (s.now - this.lastFullAt < 1) {
      return { lines: floor, reason: 'between 1 s forecast rounds: progressive floor', inputs: base };
    }
    this.lastFullAt = s.now;
    const pFast = this.fast.mean;
    const pSlow = this.slow.mean;
    const drift = Math.abs(pFast - pSlow) / Math.max(1e-6, pSlow);
    // Over-estimating the answer rate only costs occupancy; under-estimating costs abandons.
    const pUse = Math.min(1, Math.max(pFast, pSlow) + this.cfg.z * this.fast.sd);
    const margin = safetyMargin({ activeAgents: active, drift, routedSamples: this.fast.effectiveN * pFast });
    const goal = this.cfg.abandonTarget * (1 - margin);
    const worst = Math.max(
      smoothedRate(s.ledger.today, goal / 2, 50),
      smoothedRate(s.ledger.last24h, goal / 2, 50),
      smoothedRate(s.ledger.last30d, goal / 2, 50),
    );
    const tau = goal * budgetMultiplier(worst, goal);
    const inputs = { ...base, pFast, pSlow, pUse, drift, margin, goal, worstWindow: worst, tau };
    if (tau < goal * 0.05) {
      return { lines: floor, reason: 'abandon budget spent: progressive fallback', inputs };
    }
    const grid = this.buildGrid(s, pUse);
    const cap = Math.min(
      s.trunkFreeLines,
      Math.floor(this.cfg.maxLinesPerAgent * active) - s.ringing.length - s.waitingCustomers,
    );
    // P(abandon) grows with every extra dial, so the largest k with P ≤ tau is a binary search.
    let lines = 0;
    let hi = Math.max(0, cap);
    while (lines < hi) {
      const mid = (lines + hi + 1) >>> 1;
      if (abandonProbability(grid, mid - 1) <= tau) lines = mid;
      else hi = mid - 1;
    }
    const lastP = lines > 0 ? abandonProbability(grid, lines - 1) : 0;
    const chosen = Math.max(lines, floor);
    return {
      lines: chosen,
      reason:
        lines === cap && cap > 0
          ? 'line cap reached'
          : `dial while P(no agent in ${this.cfg.graceSeconds}s) ≤ ${tau.toFixed(4)}`,
      inputs: { ...inputs, cap, marginalAbandon: lastP },
    };
  }

  private buildGrid(s: PacerState, pRouted: number): GridPoint[] {
    const handle: HandleModel = {
      talkCdf: (x) => this.talk.cdf(x),
      wrapCdf: (x) => this.wrap.cdf(x),
      meanTalk: this.talk.mean,
      meanWrap: this.wrap.mean,
    };
    const dial: DialModel = {
      pRouted,
      routedCdf: (x) => this.routedDelay.cdf(x),
      allCdf: (x) => this.allDelay.cdf(x),
    };
    const n = this.cfg.gridPoints;
    const qs = Array.from({ length: n }, (_, j) => (j + 0.5) / n);
    const ts = qs.map((q) => this.routedDelay.quantile(q));
    const supply = supplyWithinEach(
      s.agents,
      ts.map((t) => t + this.cfg.graceSeconds),
      handle,
    );
    const demand = demandWithinEach(s.ringing, ts, dial);
    return qs.map((q, j) => ({
      weight: 1 / n,
      newRoutedBy: pRouted * q,
      supply: supply[j] ?? { mean: 0, variance: 0 },
      demand: { mean: (demand[j]?.mean ?? 0) + s.waitingCustomers, variance: demand[j]?.variance ?? 0 },
    }));
  }
}
