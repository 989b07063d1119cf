import { describe, expect, it } from 'vitest';
import {
  budgetShapeFor,
  perDialAllowance,
  safetyMargin,
  tightestSlack,
  windowSlack,
} from '../../../src/pacing/budget.js';

describe('windowSlack', () => {
  it.each([
    [{ humans: 0, abandons: 0 }, 0.03, 0],
    [{ humans: 1_000, abandons: 20 }, 0.03, 10],
    [{ humans: 1_000, abandons: 30 }, 0.03, 0],
    [{ humans: 1_000, abandons: 35 }, 0.03, -5],
    [{ humans: 500, abandons: 1 }, 0.01, 4],
    [{ humans: 500, abandons: 0 }, 0, 0],
  ])('%j at %d → %d abandons', (w, target, slack) => expect(windowSlack(w, target)).toBeCloseTo(slack, 12));

  it('the tightest window binds: 24 h with 2 left beats 30 days with 40', () => {
    const day = { humans: 1_000, abandons: 28 };
    const month = { humans: 20_000, abandons: 560 };
    expect(tightestSlack([day, month], 0.03)).toBeCloseTo(2, 12);
  });
});

describe('perDialAllowance', () => {
  const rule = { target: 0.03, reserve: 2, scale: 10, gain: 3, maxAllowance: 0.5 };
  it.each([
    ['below the reserve', -5, 0],
    ['at the reserve', 2, 0],
    // 3 × 0.03 × (e^(10/10) − 1) = 0.09 × 1.718281828…
    ['one scale above', 12, 0.09 * (Math.E - 1)],
    // 0.09 × (e^0.5 − 1) = 0.09 × 0.6487212707
    ['half a scale above', 7, 0.09 * 0.6487212707001282],
    // 0.09 × (e^2 − 1) = 0.575… → capped
    ['capped', 22, 0.5],
  ])('%s: slack %d → %d', (_name, slack, tau) => expect(perDialAllowance(slack, rule)).toBeCloseTo(tau, 12));

  it('is 0 at a 0% target whatever the slack', () => {
    expect(perDialAllowance(100, { ...rule, target: 0 })).toBe(0);
  });

  it('grows with the slack', () => {
    let last = -1;
    for (let slack = 0; slack < 40; slack++) {
      const tau = perDialAllowance(slack, rule);
      expect(tau).toBeGreaterThanOrEqual(last);
      last = tau;
    }
  });
});

describe('safetyMargin', () => {
  it.each([
    [{ drift: 0, routedSamples: 400 }, 0.15],
    [{ drift: 0, routedSamples: 100 }, 0.3],
    [{ drift: 0.2, routedSamples: 400 }, 0.35],
    [{ drift: 0.8, routedSamples: 400 }, 0.65],
    [{ drift: 1, routedSamples: 1 }, 0.9],
    [{ drift: -0.1, routedSamples: 900 }, 0.1],
  ])('%j → %d', (m, expected) => expect(safetyMargin(m)).toBeCloseTo(expected, 12));
});

describe('budgetShapeFor (reserve and scale counted in the abandons answers earn)', () => {
  it.each([
    [0.03, 2, 10],
    [0.01, 1, 10 / 3], // the reserve never under one whole abandon
    [0.015, 1, 5],
    [0.003, 1, 1],
  ])('target %d → reserve %d, scale %d', (target, reserve, scale) => {
    const r = budgetShapeFor(target);
    expect(r.reserve).toBeCloseTo(reserve, 9);
    expect(r.scale).toBeCloseTo(scale, 9);
  });
});
