import { describe, expect, it } from 'vitest';
import { dataOnly, heapResidualMb, heapSlopePer1000, type SoakSample } from '../../bench/soak/figures.js';

const at = (minute: number, callsEnded: number, heapMb: number): SoakSample => ({
  minute,
  callsEnded,
  heapMb,
  live: 0,
  rssMb: 0,
});

describe('soak figures', () => {
  it('slope per 1,000 calls, leaving out the warm-up minute', () => {
    // 2 MB per 1,000 calls after a warm-up jump of 30 MB in the first minute.
    const s = [at(0, 0, 10), at(1, 100, 40), at(2, 600, 41), at(3, 1100, 42), at(4, 1600, 43)];
    expect(heapSlopePer1000(s)).toBeCloseTo(2, 6);
    expect(heapResidualMb(s)).toBeCloseTo(0, 6);
  });
  it('flat heap: slope 0; too few samples: NaN', () => {
    expect(heapSlopePer1000([at(0, 0, 5), at(1, 10, 9), at(2, 20, 9), at(3, 30, 9)])).toBe(0);
    expect(heapSlopePer1000([at(0, 0, 5), at(1, 10, 9)])).toBeNaN();
  });
});

describe('dataOnly', () => {
  it('takes the code space out of each sample', () => {
    expect(dataOnly([{ ...at(0, 0, 40), codeMb: 3 }, at(1, 10, 41)]).map((s) => s.heapMb)).toEqual([37, 41]);
  });
});
