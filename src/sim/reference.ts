/** Closed-form references from docs/benchmarks.md, printed beside the simulated results. */
import { normalCdf } from '../pacing/estimators.js';
import type { Scenario } from './scenario.js';

/** Erlang-B blocking probability for `servers` servers and offered load `a` Erlangs. */
export function erlangB(servers: number, a: number): number {
  let b = 1;
  for (let n = 1; n <= servers; n++) b = (a * b) / (n + a * b);
  return b;
}

/**
 * Open-loop Poisson dialling as a loss system: the occupancy (busy share) reached when the
 * offered load is raised until blocking equals `abandon`. Bisection on a.
 */
export function erlangOpenLoopOccupancy(servers: number, abandon: number): number {
  let lo = 0;
  let hi = servers * 4;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (erlangB(servers, mid) > abandon) hi = mid;
    else lo = mid;
  }
  return (lo * (1 - erlangB(servers, lo))) / servers;
}

/** Inputs of the progressive closed form. */
export interface ProgressiveInputs {
  /** P(a dial reaches a human). */
  p: number;
  /** Mean time a failed attempt takes to resolve. */
  meanFailedSeconds: number;
  /** Mean time to a human answer (ring + anything before routing). */
  meanAnswerSeconds: number;
  /** Mean handle time (talk + wrap). */
  meanHandleSeconds: number;
}

/** ρ = E[H] / (E[H] + I), I = ((1 − p)/p)·E[D_f] + E[R]: busy share under progressive dialling. */
export function progressiveOccupancy(x: ProgressiveInputs): number {
  const idle = ((1 - x.p) / x.p) * x.meanFailedSeconds + x.meanAnswerSeconds;
  return x.meanHandleSeconds / (x.meanHandleSeconds + idle);
}

/**
 * E[min(X, cap)] for X lognormal with the given mean and sd: ∫₀^cap P(X > x) dx (Simpson, 2,000
 * steps). The simulator draws ring times this way (lognormal, cut at the ring timeout).
 */
export function cappedLognormalMean(mean: number, sd: number, cap: number): number {
  if (sd <= 0) return Math.min(mean, cap);
  const s2 = Math.log(1 + (sd * sd) / (mean * mean));
  const mu = Math.log(mean) - s2 / 2;
  const s = Math.sqrt(s2);
  const survival = (x: number): number => (x <= 0 ? 1 : 1 - normalCdf((Math.log(x) - mu) / s));
  const n = 2000;
  const h = cap / n;
  let total = survival(0) + survival(cap);
  for (let i = 1; i < n; i++) total += (i % 2 === 1 ? 4 : 2) * survival(i * h);
  return (total * h) / 3;
}

/**
 * The closed form's inputs read off a scenario, as the simulator plays it: p = human answers AMD
 * lets through; E[R] = capped ring + AMD; E[D_f] = the mean resolution time of everything else
 * (no answer at the timeout, busy, congestion, machines and AMD's false positives after ring +
 * AMD; a machine AMD misses also holds the agent for its talk time, counted here as a failure).
 */
export function progressiveInputs(s: Scenario): ProgressiveInputs {
  const ring = cappedLognormalMean(s.ringMeanSeconds, s.ringSdSeconds, s.ringTimeoutSeconds) + s.amdSeconds;
  const machine =
    cappedLognormalMean(s.machineRingMeanSeconds, s.ringSdSeconds, s.ringTimeoutSeconds) + s.amdSeconds;
  const noAnswer = Math.max(0, 1 - s.pHuman - s.pMachine - s.pBusy - s.pCongestion);
  const p = s.pHuman * s.amdAccuracy;
  const failedTime =
    s.pHuman * (1 - s.amdAccuracy) * ring +
    s.pMachine * (machine + (1 - s.amdAccuracy) * s.machineTalkSeconds) +
    s.pBusy * s.busySeconds +
    s.pCongestion * s.congestionSeconds +
    noAnswer * s.ringTimeoutSeconds;
  return {
    p,
    meanFailedSeconds: failedTime / Math.max(1e-9, 1 - p),
    meanAnswerSeconds: ring,
    meanHandleSeconds: s.talkMeanSeconds + s.wrapMeanSeconds,
  };
}
