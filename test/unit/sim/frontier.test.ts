import { describe, expect, it } from 'vitest';
import { bestOnGrid, tuneOnGrid, tuneRatio } from '../../../src/sim/frontier.js';
import type { RatioTrial } from '../../../src/sim/frontier.js';

/** A made-up world where abandon = 5% per ratio point over 1.0 and occupancy = ratio ÷ 3. */
const linear = (r: number): Promise<RatioTrial> =>
  Promise.resolve({ ratio: r, abandonRate: 0.05 * (r - 1), occupancy: r / 3 });

describe('tuneRatio (bisection on the dial ratio)', () => {
  it('finds the largest ratio at or under the target: 1.59375 for a root at 1.6', async () => {
    // 2 over → 1 under → bisect [1, 2]: 1.5 under, 1.75 over, 1.625 over, 1.5625 under,
    // 1.59375 under, 1.609375 over, 1.6015625 over; the bracket is then 0.0078 < 0.01 wide.
    const r = await tuneRatio(linear);
    expect(r.best.ratio).toBe(1.59375);
    expect(r.best.abandonRate).toBeCloseTo(0.0296875, 12);
    expect(r.trials.map((t) => t.ratio)).toEqual([
      2, 1, 1.5, 1.75, 1.625, 1.5625, 1.59375, 1.609375, 1.6015625,
    ]);
    expect(r.capped).toBe(false);
  });

  it('raises the bracket from below when the start is under the target: root at 3 for 10%', async () => {
    // 2 (5%) under, 3 (10%) under, 4.5 over → bisect [3, 4.5] down to < 0.01: every mid is over.
    const r = await tuneRatio(linear, { target: 0.1 });
    expect(r.trials.slice(0, 3).map((t) => t.ratio)).toEqual([2, 3, 4.5]);
    expect(r.best.ratio).toBe(3);
  });

  it('reports a cap when even the top ratio stays under the target', async () => {
    const r = await tuneRatio(linear, { target: 0.5 });
    expect(r.trials.map((t) => t.ratio)).toEqual([2, 3, 4.5, 6.75, 8]);
    expect(r).toMatchObject({ capped: true, best: { ratio: 8 } });
  });

  it('returns the bottom ratio when even it is over the target', async () => {
    const r = await tuneRatio((x) => Promise.resolve({ ratio: x, abandonRate: 0.1, occupancy: 0 }));
    expect(r.best.ratio).toBe(1);
    expect(r.trials).toHaveLength(2);
  });

  it('stops after maxSteps', async () => {
    const r = await tuneRatio(linear, { maxSteps: 3, tolerance: 0 });
    expect(r.trials).toHaveLength(5);
    expect(r.best.ratio).toBe(1.5);
  });
});

describe('bestOnGrid / tuneOnGrid (VICIdial max level, tuned offline)', () => {
  const t = (value: number, abandonRate: number, occupancy: number) => ({ value, abandonRate, occupancy });
  it.each([
    [
      'most occupancy within the target',
      [t(1.3, 0.001, 0.7), t(1.5, 0.02, 0.79), t(1.6, 0.03, 0.68), t(2, 0.031, 0.6)],
      1.5,
    ],
    ['the boundary counts as within', [t(1.3, 0.01, 0.7), t(1.4, 0.03, 0.75)], 1.4],
    ['a higher occupancy over the target does not count', [t(1.3, 0.01, 0.7), t(3, 0.05, 0.9)], 1.3],
    ['none within: the first point', [t(1.3, 0.04, 0.7), t(3, 0.05, 0.9)], 1.3],
  ])('%s', (_name, trials, value) => expect(bestOnGrid(trials, 0.03)?.value).toBe(value));

  it('is undefined for no trials', () => expect(bestOnGrid([], 0.03)).toBeUndefined());

  it('evaluates every value once and picks the best', async () => {
    const seen: number[] = [];
    const r = await tuneOnGrid(
      (v) => {
        seen.push(v);
        return Promise.resolve(t(v, 0.02 * (v - 1), v));
      },
      [1, 1.5, 2, 2.5],
      0.03,
    );
    expect(seen).toEqual([1, 1.5, 2, 2.5]);
    expect(r.best.value).toBe(2.5);
    expect(r.trials).toHaveLength(4);
  });
});
