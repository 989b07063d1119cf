import { describe, expect, it } from 'vitest';
import {
  driftSpan,
  peakAbandon,
  poolTimelines,
  postDriftScenario,
  recovery,
} from '../../../src/sim/drift.js';
import type { Timeline } from '../../../src/sim/metrics.js';
import { makeScenario } from '../../../src/sim/scenario.js';

describe('driftSpan', () => {
  it.each([
    [{}, undefined],
    [
      {
        answerCurve: [
          [0, 1],
          [2, 1],
          [3, 0.4],
        ] as const,
      },
      { onsetHour: 2, endHour: 3 },
    ],
    [
      {
        answerCurve: [
          [0, 1],
          [4, 1.3],
          [8, 0.8],
        ] as const,
      },
      { onsetHour: 0, endHour: 8 },
    ],
    [{ logouts: [{ atHour: 4, fraction: 0.2 }] }, { onsetHour: 4, endHour: 4 }],
    [
      {
        answerCurve: [
          [0, 1],
          [3.5, 1],
          [4, 1.5],
          [5, 1.5],
          [5.5, 1],
        ] as const,
        talkCurve: [
          [0, 1],
          [4, 1],
          [5, 0.7],
          [6, 1],
        ] as const,
      },
      { onsetHour: 3.5, endHour: 6 },
    ],
  ])('%j → %j', (partial, span) => expect(driftSpan(makeScenario({ name: 'x', ...partial }))).toEqual(span));
});

describe('postDriftScenario', () => {
  it('freezes the curves at their end value and removes the agents who left', () => {
    const s = makeScenario({
      name: 'x',
      agents: 50,
      pHuman: 0.25,
      answerCurve: [
        [0, 1],
        [2, 1],
        [3, 0.4],
      ],
      talkCurve: [
        [0, 1],
        [8, 0.5],
      ],
      logouts: [{ atHour: 4, fraction: 0.2 }],
    });
    const p = postDriftScenario(s);
    expect(p.agents).toBe(40);
    expect(p.pHuman).toBeCloseTo(0.1, 12);
    expect(p.talkMeanSeconds).toBe(60);
    expect(p.talkSdSeconds).toBe(45);
    expect(driftSpan(p)).toBeUndefined();
  });
});

/** 6 minutes: 10 answers a minute; 1 abandon in minute 3, 3 in minute 4; talk share 0.8 but 0.4 in minutes 2–3. */
const t: Timeline = {
  minuteHumans: [10, 10, 10, 10, 10, 10],
  minuteAbandons: [0, 0, 0, 1, 3, 0],
  minuteTalkSeconds: [48, 48, 24, 24, 48, 48],
  minuteLoggedSeconds: [60, 60, 60, 60, 60, 60],
};

describe('poolTimelines', () => {
  it('sums the seeds minute by minute, whatever their lengths', () => {
    const p = poolTimelines([t, { ...t, minuteHumans: [1, 2] }]);
    expect(p.minuteHumans).toEqual([11, 12, 10, 10, 10, 10]);
    expect(p.minuteAbandons).toEqual([0, 0, 0, 2, 6, 0]);
  });
});

describe('peakAbandon', () => {
  it.each([
    [0, 1, 0.3],
    [0, 2, 0.2],
    [0, 6, 4 / 60],
    [5, 1, 0],
  ])('from minute %d over %d-minute windows → %d', (from, width, peak) =>
    expect(peakAbandon(t, from, width)).toBeCloseTo(peak, 12),
  );

  it('only looks at windows starting up to toMinute: minute 4 is left out', () => {
    expect(peakAbandon(t, 0, 1, 3)).toBeCloseTo(0.1, 12);
  });
});

describe('recovery', () => {
  it.each([
    // 2-minute windows from minute 0: 0.8, 0.6, 0.4, 0.6, 0.8; dip 0.4 (window 2); back at 0.8 in window 4 → 4 + 2 min.
    [0, 0.8, { dip: 0.4, minutes: 6 }],
    [0, 0.6, { dip: 0.4, minutes: 5 }],
    [0, 0.3, { dip: 0.4, minutes: 0 }],
    [0, 0.9, { dip: 0.4, minutes: undefined }],
    [4, 0.8, { dip: 0.8, minutes: 0 }],
  ])('from minute %d back to %d', (from, level, r) => {
    const got = recovery(t, from, level, 2);
    expect(got.dip).toBeCloseTo(r.dip, 12);
    expect(got.minutes).toBe(r.minutes);
  });
});
