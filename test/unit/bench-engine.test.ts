import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bench/engine/args.js';
import { fmt, ratio, toCsv, type ReportRow } from '../../bench/engine/report.js';
import { answeringCustomers, seededTalk } from '../../bench/engine/seed.js';
import {
  peakOverlap,
  percentile,
  seededRandom,
  shareAtMost,
  spread,
  sustainedRate,
} from '../../bench/engine/stats.js';
import { parseLabNumber } from '../../src/lab/number-plan.js';

describe('bench:engine statistics', () => {
  it.each([
    { values: [5], p: 50, want: 5 },
    { values: [1, 2, 3, 4], p: 50, want: 2 },
    { values: [4, 3, 2, 1], p: 100, want: 4 },
    { values: Array.from({ length: 100 }, (_, i) => i + 1), p: 99, want: 99 },
    { values: Array.from({ length: 1000 }, (_, i) => 1000 - i), p: 99, want: 990 },
    { values: [7, 1], p: 0, want: 1 },
  ])('percentile $p of $values.length values is $want (nearest rank)', ({ values, p, want }) => {
    expect(percentile(values, p)).toBe(want);
  });

  it('spread of nothing is NaN, not zero (an empty run must not look fast)', () => {
    expect(spread([]).p50).toBeNaN();
    expect(percentile([], 50)).toBeNaN();
    expect(shareAtMost([], 100)).toBeNaN();
  });

  it('spread reports p50, p99, max and mean', () => {
    expect(spread([10, 20, 30, 40])).toEqual({ n: 4, p50: 20, p99: 40, max: 40, mean: 25 });
  });

  it.each([
    { values: [50, 99, 100, 101, 2000], limit: 100, want: 0.6 },
    { values: [1, 2], limit: 0, want: 0 },
  ])('share of $values at most $limit is $want', ({ values, limit, want }) => {
    expect(shareAtMost(values, limit)).toBeCloseTo(want, 10);
  });

  it('sustained rate leaves ramp-up and drain out', () => {
    // 100 events 10 ms apart (100/s), then a straggler 10 s later: the middle still says 100/s.
    const times = [...Array.from({ length: 100 }, (_, i) => i * 10), 11_000];
    expect(sustainedRate(times)).toBeCloseTo(100, 0);
    expect(sustainedRate([1, 2, 3])).toBeNaN();
  });

  it.each([
    { intervals: [], want: 0 },
    { intervals: [{ start: 0, end: 10 }], want: 1 },
    {
      intervals: [
        { start: 0, end: 10 },
        { start: 5, end: 15 },
        { start: 6, end: 7 },
      ],
      want: 3,
    },
    // One call ends exactly as the next begins: never two at once.
    {
      intervals: [
        { start: 0, end: 10 },
        { start: 10, end: 20 },
      ],
      want: 1,
    },
  ])('peak overlap of $intervals.length intervals is $want', ({ intervals, want }) => {
    expect(peakOverlap(intervals)).toBe(want);
  });

  it('the seeded random source repeats by seed and differs between seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('bench:engine workload', () => {
  it('customers are distinct lab numbers that answer at once and talk for the seeded time', () => {
    const talk = seededTalk(1, 1, 3);
    const phones = answeringCustomers(2_000, talk);
    expect(new Set(phones).size).toBe(2_000);
    for (const [i, p] of phones.entries()) {
      const n = parseLabNumber(p);
      expect(n.behaviour).toEqual({ kind: 'human', ringMs: 0 });
      expect(n.talkSec).toBe(talk(i));
      expect(n.talkSec >= 1 && n.talkSec <= 3).toBe(true);
    }
    expect(answeringCustomers(50, seededTalk(1, 1, 3))).toEqual(phones.slice(0, 50));
  });

  it('refuses more customers than the number plan keeps distinct', () => {
    expect(() => answeringCustomers(8_001, () => 1)).toThrow(/8000/);
  });
});

describe('bench:engine command line', () => {
  it('full run: 1,000 calls, lists of 10 k and 1 M, 1 M import rows, every part', () => {
    const a = parseArgs([]);
    expect(a.connectCalls).toBe(1_000);
    expect(a.leadSizes).toEqual([10_000, 1_000_000]);
    expect(a.importRows).toBe(1_000_000);
    expect([...a.parts]).toEqual(['connect', 'load', 'memory', 'selection', 'import', 'freeswitch']);
    expect(a.rate.cps).toBe(200);
    // Part 6, the FreeSWITCH column: the engine's and the bare ESL client's calls, the rate plan.
    expect([a.fsConnectCalls, a.fsBaselineCalls, a.fsRate.calls, a.fsRate.maxChannels]).toEqual([
      300, 75, 1_000, 120,
    ]);
  });

  it('--quick is small; --leads-10m adds the 10 M list; --parts picks parts', () => {
    const a = parseArgs(['--quick', '--leads-10m', '--parts', 'selection,import']);
    expect(a.connectCalls).toBe(100);
    expect(a.leadSizes).toEqual([10_000, 200_000, 10_000_000]);
    expect([...a.parts]).toEqual(['selection', 'import']);
  });

  it.each([
    { argv: ['--fast'], error: /unknown option --fast/ },
    { argv: ['--parts', 'connect,speed'], error: /unknown part "speed"/ },
    { argv: ['--calls', 'many'], error: /--calls needs a positive integer/ },
    { argv: ['--calls', '0'], error: /--calls needs a positive integer/ },
  ])('rejects $argv', ({ argv, error }) => {
    expect(() => parseArgs(argv)).toThrow(error);
  });
});

describe('bench:engine report', () => {
  const row = (dialer: number, baseline: number, unit = 'ms'): ReportRow => ({
    part: 'p',
    metric: 'm, with "quotes"',
    unit,
    dialer,
    baseline,
    baselineWhat: 'b',
    reference: '',
  });

  it.each([
    { r: row(20, 10), want: 2 },
    { r: row(20, NaN), want: NaN },
    { r: row(20, 0), want: NaN },
    { r: row(-1, 10), want: NaN },
    { r: row(5, 5, 'n'), want: NaN },
  ])('ratio of $r.dialer to $r.baseline ($r.unit) is $want', ({ r, want }) => {
    expect(ratio(r)).toEqual(want);
  });

  it.each([
    { v: NaN, unit: '', want: '—' },
    { v: 1234.5, unit: '', want: '1,235' },
    { v: 12.34, unit: '', want: '12.3' },
    { v: 0.0061, unit: '', want: '0.006' },
    { v: 95, unit: '%', want: '95.0%' },
  ])('formats $v$unit as $want', ({ v, unit, want }) => {
    expect(fmt(v, unit)).toBe(want);
  });

  it('writes CSV with quoted cells and empty cells for missing numbers', () => {
    const csv = toCsv([row(20, NaN)]);
    expect(csv.split('\n')[1]).toBe('p,"m, with ""quotes""",ms,20,,,b,');
  });
});
