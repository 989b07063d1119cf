import { describe, expect, it } from 'vitest';
import {
  conditionalDoneBy,
  DecayingBeta,
  normalCdf,
  SampleWindow,
  tabulate,
  upperBound,
} from '../../../src/pacing/estimators.js';

describe('DecayingBeta', () => {
  it('without forgetting is the Beta posterior mean: (3 + 0.2·10) / (4 + 10)', () => {
    const b = new DecayingBeta(1, 0.2, 10);
    for (const x of [true, true, false, true]) b.add(x);
    expect(b.mean).toBeCloseTo(5 / 14, 12);
    expect(b.effectiveN).toBe(4);
  });

  it('forgets old observations by the decay factor', () => {
    const b = new DecayingBeta(0.5, 0, 0);
    b.add(true); // s = 1, n = 1
    b.add(false); // s = 0.5, n = 1.5
    expect(b.mean).toBeCloseTo(1 / 3, 12);
    expect(b.effectiveN).toBeCloseTo(1.5, 12);
  });

  it('has sd = sqrt(m(1−m)/(n+w+1))', () => {
    const b = new DecayingBeta(1, 0.5, 2);
    b.add(true);
    b.add(false); // m = (1 + 1)/(2 + 2) = 0.5
    expect(b.sd).toBeCloseTo(Math.sqrt(0.25 / 5), 12);
  });
});

describe('SampleWindow', () => {
  it('cdfFunction agrees with cdf, including below, between and past the samples', () => {
    const w = new SampleWindow(10, 0.5);
    for (const x of [1, 2, 2, 5, 7.5]) w.add(x);
    const f = w.cdfFunction();
    for (const x of [-1, 0, 0.9, 1, 1.9, 2, 4.99, 5, 7.4, 7.5, 100]) expect(f(x)).toBe(w.cdf(x));
    expect(f(2)).toBeCloseTo(0.6, 12);
    expect(f(100)).toBe(1);
  });

  it('gives the empirical cdf and quantiles', () => {
    const w = new SampleWindow(10, 1);
    for (const x of [4, 1, 3, 2]) w.add(x);
    expect(w.cdf(0.5)).toBe(0);
    expect(w.cdf(2)).toBe(0.5);
    expect(w.cdf(2.9)).toBe(0.5);
    expect(w.cdf(99)).toBe(1);
    expect(w.quantile(0.5)).toBe(2);
    expect(w.quantile(1)).toBe(4);
    expect(w.mean).toBe(2.5);
  });

  it('keeps only the last `capacity` samples', () => {
    const w = new SampleWindow(3, 1);
    for (const x of [100, 1, 2, 3]) w.add(x);
    expect(w.count).toBe(3);
    expect(w.mean).toBe(2);
    expect(w.cdf(3)).toBe(1);
  });

  it('is empty-safe', () => {
    const w = new SampleWindow(3);
    expect(w.cdf(1)).toBe(0);
    expect(Number.isNaN(w.quantile(0.5))).toBe(true);
  });
});

describe('tabulate / upperBound', () => {
  it.each([
    [[1, 2, 2, 5], 0, 0],
    [[1, 2, 2, 5], 2, 3],
    [[1, 2, 2, 5], 9, 4],
  ])('upperBound(%j, %d) = %d', (xs, x, n) => expect(upperBound(xs, x)).toBe(n));

  it('tabulates share ≤ i·step', () => {
    expect(tabulate([1, 2, 2, 5], 1)).toEqual([0, 0.25, 0.75, 0.75, 0.75, 1]);
  });
});

describe('conditionalDoneBy', () => {
  const uniform10 = (x: number): number => Math.min(1, Math.max(0, Math.floor(x) / 10));

  it('uses the hazard given the age: (F(7) − F(4)) / (1 − F(4)) = 0.3 / 0.6', () => {
    expect(conditionalDoneBy(uniform10, 4, 3, 100)).toBeCloseTo(0.5, 12);
  });

  it('falls back to a memoryless tail past the last sample', () => {
    expect(conditionalDoneBy(uniform10, 20, 30, 60)).toBeCloseTo(1 - Math.exp(-0.5), 12);
  });
});

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1.959964, 0.975],
    [-1, 0.158655],
    [3, 0.99865],
  ])('Φ(%d) ≈ %d', (z, p) => expect(normalCdf(z)).toBeCloseTo(p, 5));
});
