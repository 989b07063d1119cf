import type { WindowTotals } from './abandon-ledger.js';

/**
 * The abandon budget of the predictive pacer, as pure rules (table-tested in
 * test/unit/pacing/budget.test.ts).
 *
 * The promise is a count: in every window, abandons ≤ target × human answers. So the budget is
 * counted in abandons too. A window's *slack* is target × answers − abandons: how many more
 * abandons it could take right now and still be at the target. Every answer served adds
 * `target` to it, every abandon takes 1 away. The pacer keeps a fixed *reserve* of slack
 * untouched and lets the per-dial risk grow with what is above the reserve. That is a feedback
 * loop on the window itself: whatever the forecast's calibration, the slack settles a few
 * abandons above the reserve, so a window ends at target − (reserve + a few) ÷ answers — near
 * the target on big teams, well under it on small ones, where a few abandons are a large share.
 */

/** Abandons a window can still take and stay at `target` (negative: over the target). */
export function windowSlack(t: WindowTotals, target: number): number {
  return target * t.humans - t.abandons;
}

/** The tightest window: the one with least slack. */
export function tightestSlack(windows: readonly WindowTotals[], target: number): number {
  let least = Number.POSITIVE_INFINITY;
  for (const w of windows) least = Math.min(least, windowSlack(w, target));
  return least;
}

/** Shape of the budget rule; defaults in DEFAULT_PREDICTIVE (src/pacing/predictive.ts). */
export interface BudgetRule {
  target: number;
  /** Abandons of slack never spent: at or below it the pacer is progressive. */
  reserve: number;
  /** Abandons of slack above the reserve that multiply the allowance by e. */
  scale: number;
  /** Allowance one scale above the reserve, as a multiple of the target (× (e − 1)). */
  gain: number;
  /** Largest P(abandon | routed) any single dial may carry. */
  maxAllowance: number;
}

/**
 * The per-dial allowance τ — the largest P(no agent in time | routed) the next dial may carry —
 * from the slack: 0 at or below the reserve, target × (e^((slack − reserve)/scale) − 1) above
 * it (× gain), capped at maxAllowance. One dial may carry more than the target because most dials are
 * placed when agents are plentiful and carry far less; the slack keeps the count honest.
 */
export function perDialAllowance(slack: number, r: BudgetRule): number {
  if (r.target <= 0) return 0;
  const above = slack - r.reserve;
  if (above <= 0) return 0;
  return Math.min(r.maxAllowance, r.gain * r.target * Math.expm1(above / Math.max(1e-9, r.scale)));
}

/**
 * Reserve and scale of the budget rule for a target, both counted in the abandons a number of
 * answers earns, so the loop behaves alike at every target: the scale is what 333 answers earn
 * (10 abandons at 3%, 3.3 at 1%) and the reserve what 67 earn (2 at 3%), never under one whole
 * abandon — a single abandon must not tip a window over.
 *
 * Why: the allowance is `gain × target × (e^(above/scale) − 1)` and the per-dial risk that
 * realises the target is itself proportional to the target, so the slack settles at the same
 * `above ≈ scale × ln(1 + τ* ÷ (gain × target))` at every target. With a scale fixed at 10
 * abandons that is 10 abandons of unspent slack at 1% as at 3% — a 3× larger share of a 1%
 * day's budget (0.69% realised of 1% on 20 agents, 0.86% on 50). Counted in answers, the unspent
 * share is the same at every target.
 */
export function budgetShapeFor(target: number): { reserve: number; scale: number } {
  return { reserve: Math.max(1, (200 / 3) * target), scale: Math.max(1e-9, (1000 / 3) * target) };
}

/** Inputs to the model-uncertainty margin. */
export interface MarginInputs {
  /** |fast − slow| ÷ slow answer-rate estimate: the world is changing under the estimates. */
  drift: number;
  /** Routing-delay samples behind the forecast. */
  routedSamples: number;
}

/**
 * Share of the allowance held back while the estimates are uncertain: the answer-rate drift
 * (≤ 0.5) plus a thin-sample term 3/√samples (≤ 0.5), at most 0.9. The budget loop corrects a
 * constant bias by itself; this term reacts at once, before the abandons of a drift arrive.
 */
export function safetyMargin(m: MarginInputs): number {
  const drift = Math.min(0.5, Math.max(0, m.drift));
  const thin = Math.min(0.5, 3 / Math.sqrt(Math.max(1, m.routedSamples)));
  return Math.min(0.9, drift + thin);
}
