import { describe, expect, it } from 'vitest';
import { AbandonLedger, abandonRate, smoothedRate } from '../../../src/pacing/abandon-ledger.js';

describe('AbandonLedger', () => {
  it('sums any window from bucketed running totals', () => {
    const l = new AbandonLedger(60);
    l.record(10, false);
    l.record(20, true);
    l.record(70, false);
    l.record(3_700, true);
    expect(l.window(3_700, 60)).toEqual({ humans: 1, abandons: 1 });
    // (100 s, 3,700 s] → buckets 2..61: the bucket holding 100 s is left out, so only 3,700 s counts
    expect(l.window(3_700, 3_600)).toEqual({ humans: 1, abandons: 1 });
    expect(l.window(3_700, 86_400)).toEqual({ humans: 4, abandons: 2 });
    expect(l.window(1_000, 60)).toEqual({ humans: 0, abandons: 0 });
  });

  it('splits today at midnight (day boundary every 86,400 s)', () => {
    const l = new AbandonLedger(60);
    l.record(86_000, true);
    l.record(86_500, false);
    expect(l.today(86_500)).toEqual({ humans: 1, abandons: 0 });
    expect(l.window(86_500, 86_400)).toEqual({ humans: 2, abandons: 1 });
  });

  it('accepts a late record within an existing bucket', () => {
    const l = new AbandonLedger(60);
    l.record(10, false);
    l.record(70, false);
    l.record(30, true);
    expect(l.window(100, 1_000)).toEqual({ humans: 3, abandons: 1 });
    expect(l.window(100, 60)).toEqual({ humans: 1, abandons: 0 });
  });

  it('keeps 30-day windows right after pruning old buckets', () => {
    const l = new AbandonLedger(3_600, 2 * 86_400);
    for (let h = 0; h < 24 * 10; h++) l.record(h * 3_600, h % 10 === 0);
    expect(l.window(239 * 3_600, 24 * 3_600)).toEqual({ humans: 24, abandons: 2 }); // hours 216..239: 220 and 230
  });
});

describe('rates', () => {
  it.each([
    [{ humans: 0, abandons: 0 }, 0],
    [{ humans: 100, abandons: 3 }, 0.03],
  ])('abandonRate(%j) = %d', (t, r) => expect(abandonRate(t)).toBe(r));

  it('smooths with pseudo-answers: (1 + 0.01·50) / (3 + 50)', () => {
    expect(smoothedRate({ humans: 3, abandons: 1 }, 0.01, 50)).toBeCloseTo(1.5 / 53, 12);
  });
});
