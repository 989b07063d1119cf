import { describe, expect, it } from 'vitest';
import type { Row } from '../../../bench/pacing/aggregate.js';
import { beats, bestVicidial, verdictText } from '../../../bench/pacing/compare.js';

const row = (policy: string, occupancy: number, abandon: number): Row => ({
  scenario: 's',
  policy,
  agents: 20,
  seeds: 30,
  occupancy,
  busy: 0,
  talkMin: 0,
  abandon,
  ofcom: 0,
  worst1h: 0,
  worst24h: 0,
  worst30d: 0,
  idleP50: 0,
  idleP95: 0,
  waitP99: 0,
  linesPerAgent: 0,
  violations: 0,
});

describe('bestVicidial (the baseline ours is compared with)', () => {
  it('takes the most occupancy among the modes within the target', () => {
    const rows = [
      row('vicidial-hard', 0.55, 0.029),
      row('vicidial-tapered', 0.6, 0.031),
      row('vicidial-average', 0.57, 0.03),
    ];
    expect(bestVicidial(rows, 0.03)?.row.policy).toBe('vicidial-average');
  });

  it('takes the most occupancy of all when none is within the target, and says so', () => {
    const rows = [
      row('predictive', 0.9, 0.02),
      row('vicidial-hard', 0.55, 0.032),
      row('vicidial-tapered', 0.6, 0.035),
    ];
    const b = bestVicidial(rows, 0.03);
    expect(b?.row.policy).toBe('vicidial-tapered');
    expect(b?.rule).toMatch(/no VICIdial variant within 3\.0%/);
  });

  it('is undefined without VICIdial rows', () =>
    expect(bestVicidial([row('predictive', 1, 0)], 0.03)).toBeUndefined());
});

describe('beats', () => {
  it.each([
    [0.8, 0.02, 0.6, 0.03, true],
    [0.8, 0.03, 0.6, 0.03, true],
    [0.8, 0.031, 0.6, 0.03, false],
    [0.6, 0.01, 0.6, 0.03, false],
  ])('ours %d at %d vs %d at %d → %s', (o, oa, v, va, expected) =>
    expect(beats(row('predictive', o, oa), row('vicidial-hard', v, va))).toBe(expected),
  );
});

describe('verdictText', () => {
  it.each([
    [0.8, 0.02, 0.6, 0.03, 'BEATS it'],
    [0.8, 0.04, 0.6, 0.03, 'more occupancy, but more abandons than it'],
    [0.5, 0.01, 0.6, 0.03, 'fewer or equal abandons, but less occupancy than it'],
    [0.5, 0.04, 0.6, 0.03, 'LOSES to it (less occupancy, more abandons)'],
  ])('ours %d at %d vs %d at %d → %s', (o, oa, v, va, text) =>
    expect(verdictText(row('predictive', o, oa), row('vicidial-hard', v, va))).toBe(text),
  );
});
