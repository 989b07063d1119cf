import { budgetShapeFor, perDialAllowance, safetyMargin, windowSlack } from './budget.js';
import { DecayingBeta, SampleWindow } from './estimators.js';
import { abandonProbability, demandWithinEach, supplyWithinEach } from './forecast.js';
import type { DialModel, GridPoint, HandleModel } from './forecast.js';
import type { Pacer, PacerDecision, PacerObservation, PacerState } from './types.js';
import { activeCount, readyCount } from './types.js';
import { progressiveLines } from './simple-pacers.js';

/** Tunables of the predictive pacer; defaults are the benchmarked ones. */
export interface PredictiveConfig {
  /** Promise: abandons ÷ human answers in every 24 h and 30-day window (0.03 = US 3%). */
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
  /**
   * Budget rule (src/pacing/budget.ts): abandons of slack kept, and the growth scale above it;
   * unset, they follow the target (`budgetShapeFor`: 2 and 10 at 3%, 1 and 3.3 at 1%).
   */
  reserveAbandons?: number;
  budgetScale?: number;
  /**
   * Optional hourly cap, as a rate (e.g. target + 0.01): no rolling hour over it either. Off
   * (undefined) by default: the promise is the 24 h and 30-day windows.
   */
  hourlyCap?: number;
  budgetGain: number;
  /** Largest P(abandon | routed) one dial may carry. */
  maxAllowance: number;
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
  budgetGain: 3,
  maxAllowance: 0.5,
};

/**
 * Largest k in [0, cap] with ok(k), for an ok that holds up to some k and fails after
 * (ok(0) is taken as true). Galloping (1, 2, 4, …) then bisection: the answer is usually 0–3
 * lines, so this asks ok a couple of times where a plain bisection over the cap asks ~9.
 */
export function largestAllowed(cap: number, ok: (k: number) => boolean): number {
  if (cap <= 0) return 0;
  let lo = 0;
  let probe = 1;
  while (probe < cap && ok(probe)) {
    lo = probe;
    probe *= 2;
  }
  let hi = Math.min(probe, cap);
  if (hi === cap && lo < cap && ok(cap)) return cap;
  hi -= 1;
  // ok(lo) holds; the answer is in [lo, hi].
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The predictive pacer: estimates online, forecasts agent supply, dials to an abandon budget. */
export class PredictivePacer implements Pacer {
  readonly name = 'predictive';
  private readonly cfg: PredictiveConfig;
  private readonly reserve: number;
  private readonly scale: number;
  private readonly fast: DecayingBeta;
  private readonly slow: DecayingBeta;
  private readonly routedDelay = new SampleWindow(400);
  private readonly allDelay = new SampleWindow(800);
  private readonly talk = new SampleWindow(300, 1);
  private readonly wrap = new SampleWindow(300, 1);
  private lastFullAt = Number.NEGATIVE_INFINITY;
  /** The reason of the latest full round, repeated between rounds so supervisors see it. */
  private lastRoundReason = 'none yet';

  constructor(cfg: Partial<PredictiveConfig> = {}) {
    this.cfg = { ...DEFAULT_PREDICTIVE, ...cfg };
    const shape = budgetShapeFor(this.cfg.abandonTarget);
    this.reserve = this.cfg.reserveAbandons ?? shape.reserve;
    this.scale = this.cfg.budgetScale ?? shape.scale;
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
      return {
        lines: floor,
        reason: `progressive floor between 1 s forecast rounds (last round: ${this.lastRoundReason})`,
        inputs: base,
      };
    }
    this.lastFullAt = s.now;
    const decision = this.forecastRound(s, active, ready, floor);
    this.lastRoundReason = decision.reason;
    return decision;
  }

  /** The once-a-second round: estimates, abandon budget, forecast, lines. */
  private forecastRound(s: PacerState, active: number, ready: number, floor: number): PacerDecision {
    const pFast = this.fast.mean;
    const pSlow = this.slow.mean;
    const drift = Math.abs(pFast - pSlow) / Math.max(1e-6, pSlow);
    // Over-estimating the answer rate only costs occupancy; under-estimating costs abandons.
    const pUse = Math.min(1, Math.max(pFast, pSlow) + this.cfg.z * this.fast.sd);
    const margin = safetyMargin({ drift, routedSamples: this.routedDelay.count });
    const budget = this.budget(s, margin);
    // Built field by field: object spread in this once-a-second path was a quarter of the run time.
    const inputs: Record<string, number | string | boolean> = {
      active,
      ready,
      ringing: s.ringing.length,
      waiting: s.waitingCustomers,
      pFast,
      pSlow,
      pUse,
      drift,
      margin,
      slack24h: budget.slack24h,
      slack30d: budget.slack30d,
      reserve: this.reserve,
      slack1h: budget.slack1h,
      tau: budget.tau,
      cap: 0,
      marginalAbandon: 0,
    };
    if (budget.tau <= 0) {
      return {
        lines: floor,
        reason: `no abandon budget above the reserve (${budget.slack.toFixed(1)} abandons of slack in the ${budget.window} window, reserve ${this.reserve.toFixed(1)}): progressive`,
        inputs,
      };
    }
    const grid = this.buildGrid(s, pUse);
    const cap = Math.min(
      s.trunkFreeLines,
      Math.floor(this.cfg.maxLinesPerAgent * active) - s.ringing.length - s.waitingCustomers,
    );
    // P(abandon) grows with every extra dial: the k-th extra line is placed while it is ≤ tau.
    const lines = largestAllowed(cap, (k) => abandonProbability(grid, k - 1) <= budget.tau);
    inputs.cap = cap;
    inputs.marginalAbandon = lines > 0 ? abandonProbability(grid, lines - 1) : 0;
    const chosen = Math.max(lines, floor);
    return {
      lines: chosen,
      overDial: lines > floor,
      reason:
        lines === cap && cap > 0
          ? 'line cap reached'
          : `dial while P(no agent in ${this.cfg.graceSeconds}s) ≤ ${budget.tau.toFixed(4)} (${budget.slack.toFixed(1)} abandons of slack in the ${budget.window} window)`,
      inputs,
    };
  }

  /** The budget rule on the ledger's 24 h and 30-day windows (and the hour, if capped), less the model margin. */
  private budget(s: PacerState, margin: number) {
    const c = this.cfg;
    const slack24h = windowSlack(s.ledger.last24h, c.abandonTarget);
    const slack30d = windowSlack(s.ledger.last30d, c.abandonTarget);
    const slack1h =
      c.hourlyCap === undefined || s.ledger.lastHour === undefined
        ? Number.POSITIVE_INFINITY
        : windowSlack(s.ledger.lastHour, c.hourlyCap);
    const slack = Math.min(slack24h, slack30d, slack1h);
    const rule = {
      target: c.abandonTarget,
      reserve: this.reserve,
      scale: this.scale,
      gain: c.budgetGain,
      maxAllowance: c.maxAllowance,
    };
    const tau = perDialAllowance(slack, rule) * (1 - margin);
    const window = slack === slack1h ? 'hourly-cap' : slack24h <= slack30d ? '24 h' : '30-day';
    return { tau, slack, window, slack24h, slack30d, slack1h: Number.isFinite(slack1h) ? slack1h : -1 };
  }

  private buildGrid(s: PacerState, pRouted: number): GridPoint[] {
    const handle: HandleModel = {
      talkCdf: this.talk.cdfFunction(),
      wrapCdf: this.wrap.cdfFunction(),
      meanTalk: this.talk.mean,
      meanWrap: this.wrap.mean,
    };
    const dial: DialModel = {
      pRouted,
      routedCdf: this.routedDelay.cdfFunction(),
      allCdf: this.allDelay.cdfFunction(),
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
