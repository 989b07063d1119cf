import { describe, expect, it } from 'vitest';
import {
  cappedLognormalMean,
  erlangB,
  erlangOpenLoopOccupancy,
  progressiveInputs,
  progressiveOccupancy,
} from '../../../src/sim/reference.js';
import { Rng } from '../../../src/sim/rng.js';
import { makeScenario } from '../../../src/sim/scenario.js';

describe('Erlang B', () => {
  it.each([
    [1, 1, 0.5],
    [2, 1, 0.2], // (1 · 0.5) / (2 + 0.5)
    [0, 3, 1],
  ])('B(%d, %d) = %d', (n, a, b) => expect(erlangB(n, a)).toBeCloseTo(b, 12));

  // benchmarks.md: at B = 3%, ρ ≈ 0.36 (N=5), 0.68 (N=20), 0.81 (N=50), 0.88 (N=100)
  it.each([
    [5, 0.36],
    [20, 0.68],
    [50, 0.81],
    [100, 0.88],
  ])('open-loop occupancy at 3%% for N=%d ≈ %d', (n, rho) =>
    expect(erlangOpenLoopOccupancy(n, 0.03)).toBeCloseTo(rho, 2),
  );
});

describe('progressive closed form', () => {
  it('gives ρ ≈ 0.679 for the reference setup (E[D_f] = 0.5·25 + 0.2·3 + 0.3·16 = 17.9 s)', () => {
    const rho = progressiveOccupancy({
      p: 0.25,
      meanFailedSeconds: 17.9,
      meanAnswerSeconds: 10,
      meanHandleSeconds: 135,
    });
    expect(rho).toBeCloseTo(135 / (135 + 3 * 17.9 + 10), 12);
    expect(rho).toBeCloseTo(0.679, 3);
  });
});

describe('the closed form read off a scenario', () => {
  it('E[min(X, cap)] of a lognormal agrees with sampling it as the simulator does', () => {
    const rng = new Rng(11);
    let sum = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) sum += Math.min(25, rng.lognormal(10, 5));
    expect(cappedLognormalMean(10, 5, 25)).toBeCloseTo(sum / n, 1);
    expect(cappedLognormalMean(10, 0, 25)).toBe(10);
    expect(cappedLognormalMean(30, 0, 25)).toBe(25);
  });

  it('puts the AMD time into E[R]: the reference setup has E[R] ≈ 12.4 s, not 10 s', () => {
    const s = makeScenario({
      name: 'ref',
      pHuman: 0.25,
      pMachine: 0.75 * 0.3,
      pBusy: 0.75 * 0.2,
      pCongestion: 0,
      machineRingMeanSeconds: 13.5,
      amdAccuracy: 1,
      wrapMeanSeconds: 15,
    });
    const x = progressiveInputs(s);
    expect(x.p).toBe(0.25);
    expect(x.meanAnswerSeconds).toBeCloseTo(9.93 + 2.5, 1);
    expect(x.meanFailedSeconds).toBeCloseTo(17.9, 0);
    expect(x.meanHandleSeconds).toBe(135);
    expect(progressiveOccupancy(x)).toBeLessThan(0.675);
  });
});
