import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '../../src/domain/call-outcome.js';
import {
  callEnded,
  mayStart,
  NO_BACKOFF,
  pauseMs,
  probeStarted,
  type TrunkBackoffState,
} from '../../src/domain/trunk-backoff.js';
import { TrunkLimiter } from '../../src/engine/trunk-limiter.js';

const S = { failuresToPause: 3, firstPauseSec: 10, maxPauseSec: 35 };

/** Runs a list of steps from NO_BACKOFF: an ended call, or a start (which must be allowed). */
function run(steps: ({ end: CallOutcome; at: number } | { start: number })[]): TrunkBackoffState {
  let s = NO_BACKOFF;
  for (const step of steps) {
    if ('end' in step) s = callEnded(s, step.end, step.at, S);
    else {
      const may = mayStart(s, step.start);
      if (may === 'no') throw new Error(`start at ${step.start} refused`);
      if (may === 'probe') s = probeStarted(s);
    }
  }
  return s;
}

describe('trunk back-off (pure)', () => {
  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 35_000],
    [9, 35_000],
  ])('pause %i lasts %i ms (doubling, capped)', (n, ms) => {
    expect(pauseMs(n, S)).toBe(ms);
  });

  it.each<[string, ({ end: CallOutcome; at: number } | { start: number })[], number | null, number]>([
    [
      'two failures do not pause',
      [
        { end: 'congestion', at: 0 },
        { end: 'failed', at: 1 },
      ],
      null,
      0,
    ],
    [
      'three in a row pause for the first pause',
      [
        { end: 'congestion', at: 0 },
        { end: 'congestion', at: 1 },
        { end: 'congestion', at: 2 },
      ],
      10_002,
      1,
    ],
    [
      'a routed call (busy) in between resets the count',
      [
        { end: 'congestion', at: 0 },
        { end: 'congestion', at: 1 },
        { end: 'busy', at: 2 },
        { end: 'congestion', at: 3 },
      ],
      null,
      0,
    ],
    [
      'calls that were ringing when the pause began do not extend it',
      [
        { end: 'congestion', at: 0 },
        { end: 'congestion', at: 1 },
        { end: 'congestion', at: 2 },
        { end: 'congestion', at: 5 },
      ],
      10_002,
      1,
    ],
    [
      'a failed test call doubles the pause',
      [
        { end: 'congestion', at: 0 },
        { end: 'congestion', at: 1 },
        { end: 'congestion', at: 2 },
        { start: 10_002 },
        { end: 'congestion', at: 10_100 },
      ],
      30_100,
      2,
    ],
    [
      'a test call the carrier routes ends the back-off',
      [
        { end: 'congestion', at: 0 },
        { end: 'congestion', at: 1 },
        { end: 'congestion', at: 2 },
        { start: 10_002 },
        { end: 'no-answer', at: 30_000 },
      ],
      null,
      0,
    ],
  ])('%s', (_name, steps, pausedUntil, pauses) => {
    const s = run(steps);
    expect(s.pausedUntil).toBe(pausedUntil);
    expect(s.pauses).toBe(pauses);
  });

  it.each<[TrunkBackoffState, number, 'yes' | 'probe' | 'no']>([
    [NO_BACKOFF, 0, 'yes'],
    [{ ...NO_BACKOFF, pausedUntil: 100, pauses: 1 }, 99, 'no'],
    [{ ...NO_BACKOFF, pausedUntil: 100, pauses: 1 }, 100, 'probe'],
    [{ ...NO_BACKOFF, pausedUntil: 100, pauses: 1, probing: true }, 200, 'no'],
  ])('mayStart(%j, %i) = %s', (state, now, want) => {
    expect(mayStart(state, now)).toBe(want);
  });
});

describe('TrunkLimiter with back-off', () => {
  it('gives no slot while paused, then one test slot, and all slots once a call is routed', () => {
    let now = 0;
    const paused: unknown[] = [];
    const t = new TrunkLimiter(
      't',
      10,
      100,
      () => now,
      S,
      (b) => paused.push(b),
    );
    for (let i = 0; i < 3; i++) {
      expect(t.tryAcquire()).toBe(true);
      t.release();
      t.ended('congestion');
    }
    expect(t.tryAcquire(), 'paused').toBe(false);
    expect(t.available()).toBe(0);
    expect(t.backoff()).toMatchObject({ failuresInRow: 3, pauseSec: 10, nextPauseSec: 20 });
    now = 10_000;
    expect(t.available()).toBe(1);
    expect(t.tryAcquire(), 'the test call').toBe(true);
    expect(t.tryAcquire(), 'only one test call at a time').toBe(false);
    expect(t.backoff()?.testCallInProgress).toBe(true);
    t.release();
    t.ended('answered');
    expect(t.backoff()).toBeUndefined();
    expect(t.available()).toBe(10);
    expect(paused).toHaveLength(2);
    expect(paused[1]).toBeUndefined();
  });
});
