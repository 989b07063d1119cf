import { describe, expect, it } from 'vitest';
import { erlangB, erlangOpenLoopOccupancy, progressiveOccupancy } from '../../../src/sim/reference.js';

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
