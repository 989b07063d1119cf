/** Closed-form references from docs/benchmarks.md, printed beside the simulated results. */

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
