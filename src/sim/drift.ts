import type { Timeline } from './metrics.js';
import { curveAt } from './scenario.js';
import type { Curve, Scenario } from './scenario.js';

/**
 * Drift analysis for the benchmark: when a scenario's world changes, how far over the target
 * does a policy's abandon rate go (overshoot) and how long until its occupancy is back near the
 * frontier of the new world (recovery). Curves are pooled over seeds (sums, then ratios), so a
 * quiet minute of one seed does not read as 0% or 100%.
 */

/** When the world starts and stops changing, in hours of the dialling day. */
export interface DriftSpan {
  onsetHour: number;
  endHour: number;
}

/** First and last change points of a curve (undefined when it is flat). */
function curveSpan(c: Curve | undefined): DriftSpan | undefined {
  if (!c) return undefined;
  let onset: number | undefined;
  let end: number | undefined;
  for (let i = 1; i < c.length; i++) {
    const a = c[i - 1];
    const b = c[i];
    if (!a || !b || a[1] === b[1]) continue;
    onset ??= a[0];
    end = b[0];
  }
  return onset === undefined || end === undefined ? undefined : { onsetHour: onset, endHour: end };
}

/** The span over which a scenario's answer rate, talk time or staffing changes; undefined if stationary. */
export function driftSpan(s: Scenario): DriftSpan | undefined {
  const spans = [curveSpan(s.answerCurve), curveSpan(s.talkCurve)];
  for (const l of s.logouts ?? []) spans.push({ onsetHour: l.atHour, endHour: l.atHour });
  const real = spans.filter((x): x is DriftSpan => x !== undefined);
  if (real.length === 0) return undefined;
  return {
    onsetHour: Math.min(...real.map((x) => x.onsetHour)),
    endHour: Math.max(...real.map((x) => x.endHour)),
  };
}

/**
 * The stationary world the scenario ends in: curves frozen at their end-of-day value, the agents
 * who logged out gone. Its tuned ratio is the frontier a policy should recover to.
 */
export function postDriftScenario(s: Scenario): Scenario {
  const k = curveAt(s.talkCurve, s.hoursPerDay);
  let agents = s.agents;
  for (const l of s.logouts ?? []) agents -= Math.round(agents * l.fraction);
  return {
    ...s,
    name: `${s.name} (after the drift)`,
    agents,
    pHuman: Math.min(1, s.pHuman * curveAt(s.answerCurve, s.hoursPerDay)),
    talkMeanSeconds: s.talkMeanSeconds * k,
    talkSdSeconds: s.talkSdSeconds * k,
    answerCurve: undefined,
    talkCurve: undefined,
    logouts: undefined,
  };
}

/** Element-wise sum of the seeds' timelines. */
export function poolTimelines(ts: readonly Timeline[]): Timeline {
  const sum = (pick: (t: Timeline) => readonly number[]): number[] => {
    const out: number[] = [];
    for (const t of ts) pick(t).forEach((v, i) => (out[i] = (out[i] ?? 0) + v));
    return out;
  };
  return {
    minuteHumans: sum((t) => t.minuteHumans),
    minuteAbandons: sum((t) => t.minuteAbandons),
    minuteTalkSeconds: sum((t) => t.minuteTalkSeconds),
    minuteLoggedSeconds: sum((t) => t.minuteLoggedSeconds),
  };
}

/** Σ num ÷ Σ den over minutes [from, from + width), NaN when the denominator is 0. */
function ratioOver(num: readonly number[], den: readonly number[], from: number, width: number): number {
  let n = 0;
  let d = 0;
  for (let i = from; i < from + width; i++) {
    n += num[i] ?? 0;
    d += den[i] ?? 0;
  }
  return d > 0 ? n / d : Number.NaN;
}

/**
 * Worst abandon rate over rolling `width`-minute windows that start in [fromMinute, toMinute]
 * (and fit in the run).
 */
export function peakAbandon(
  t: Timeline,
  fromMinute: number,
  width = 15,
  toMinute = Number.POSITIVE_INFINITY,
): number {
  let worst = 0;
  const last = Math.min(toMinute, t.minuteHumans.length - width);
  for (let m = fromMinute; m <= last; m++) {
    const r = ratioOver(t.minuteAbandons, t.minuteHumans, m, width);
    if (r > worst) worst = r;
  }
  return worst;
}

/** Recovery of occupancy after a drift. */
export interface Recovery {
  /** Lowest rolling occupancy after the onset. */
  dip: number;
  /** Minutes from the onset until occupancy is back at `level` after its dip; 0 if never below; undefined if never back. */
  minutes: number | undefined;
}

/**
 * Rolling `width`-minute occupancy (talk ÷ logged-in) from `fromMinute` to the end: its lowest
 * point, and the first minute after that point where it is at or above `level`.
 */
export function recovery(t: Timeline, fromMinute: number, level: number, width = 10): Recovery {
  const occ: number[] = [];
  for (let m = fromMinute; m + width <= t.minuteLoggedSeconds.length; m++)
    occ.push(ratioOver(t.minuteTalkSeconds, t.minuteLoggedSeconds, m, width));
  let dipAt = -1;
  let dip = Number.POSITIVE_INFINITY;
  occ.forEach((o, i) => {
    if (o < dip) {
      dip = o;
      dipAt = i;
    }
  });
  if (dipAt < 0) return { dip: Number.NaN, minutes: undefined };
  if (dip >= level) return { dip, minutes: 0 };
  for (let i = dipAt + 1; i < occ.length; i++) if ((occ[i] ?? 0) >= level) return { dip, minutes: i + width };
  return { dip, minutes: undefined };
}
