import { describe, expect, it } from 'vitest';
import { callbackStep, type PendingCallback } from '../../src/domain/campaign/callback-step.js';
import type { RetryDecision } from '../../src/domain/campaign/retry.js';

const at = new Date('2026-06-13T16:00:00Z');
const h = (n: number) => new Date(at.getTime() + n * 3_600_000);
const callback: PendingCallback = { kind: 'callback', dueAt: at, trialEndsAt: null };
const trial: PendingCallback = { kind: 'second-confirmation', dueAt: at, trialEndsAt: h(48) };
const retryIn = (hours: number): RetryDecision => ({ kind: 'retry', at: h(hours) });
const done: RetryDecision = { kind: 'done', reason: 'max-attempts' };
const reached = { dialled: true, reached: true };
const notReached = { dialled: true, reached: false };

describe('callbackStep', () => {
  it.each([
    ['a reached callback is complete', callback, reached, done, { kind: 'complete' }],
    ['a reached second confirmation is complete', trial, reached, done, { kind: 'complete' }],
    [
      'an unreached callback is retried, still a callback',
      callback,
      notReached,
      retryIn(1),
      { kind: 'retry', at: h(1) },
    ],
    ['an unreached callback the rules give up on is missed', callback, notReached, done, { kind: 'missed' }],
    [
      'a second confirmation retried before the trial ends',
      trial,
      notReached,
      retryIn(1),
      { kind: 'retry', at: h(1) },
    ],
    [
      'a second confirmation whose retry is after the trial end is unreached',
      trial,
      notReached,
      retryIn(72),
      { kind: 'unreached' },
    ],
    ['a retry exactly at the trial end is too late', trial, notReached, retryIn(48), { kind: 'unreached' }],
    ['a second confirmation out of attempts is unreached', trial, notReached, done, { kind: 'unreached' }],
    [
      'a refused attempt keeps it, from when the gate allows',
      callback,
      { dialled: false, reached: false, nextEligibleAt: h(3) },
      done,
      { kind: 'keep', at: h(3) },
    ],
    [
      'a refused attempt with no time keeps it for a minute',
      trial,
      { dialled: false, reached: false },
      done,
      { kind: 'keep', at: new Date(at.getTime() + 60_000) },
    ],
  ])('%s', (_name, cb, attempt, retry, step) => {
    expect(callbackStep(cb, attempt, retry, at)).toEqual(step);
  });
});
