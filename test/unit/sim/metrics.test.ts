import { describe, expect, it } from 'vitest';
import { EventHeap } from '../../../src/sim/heap.js';
import { percentile, worstWindow } from '../../../src/sim/metrics.js';
import { Rng } from '../../../src/sim/rng.js';

describe('worstWindow', () => {
  const humans = [100, 10, 100, 0, 100];
  const abandons = [1, 2, 1, 0, 0];
  it.each([
    [1, 0.2], // hour 1: 2 / 10
    [2, 3 / 110],
    [24, 4 / 310], // shorter run than the window: the whole run
  ])('%d-hour window → %d', (w, r) => expect(worstWindow(humans, abandons, w)).toBeCloseTo(r, 12));
});

describe('percentile', () => {
  it.each([
    [[], 0.5, 0],
    [[5, 1, 3, 2, 4], 0.5, 3],
    [[5, 1, 3, 2, 4], 0.95, 5],
  ])('%j p%d = %d', (xs, q, v) => expect(percentile(xs, q)).toBe(v));
});

describe('EventHeap', () => {
  it('pops by time, then insertion order', () => {
    const h = new EventHeap<string>();
    h.push(5, 'c');
    h.push(1, 'a');
    h.push(5, 'd');
    h.push(2, 'b');
    expect([h.pop(), h.pop(), h.pop(), h.pop(), h.pop()]).toEqual(['a', 'b', 'c', 'd', undefined]);
  });
});

describe('Rng', () => {
  it('repeats for a seed', () => {
    const a = new Rng(9);
    const b = new Rng(9);
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
  });

  it('draws lognormals with the asked mean (20,000 draws, fixed seed, within 2%)', () => {
    const r = new Rng(1);
    let t = 0;
    for (let i = 0; i < 20_000; i++) t += r.lognormal(120, 90);
    expect(t / 20_000).toBeGreaterThan(120 * 0.98);
    expect(t / 20_000).toBeLessThan(120 * 1.02);
  });
});
