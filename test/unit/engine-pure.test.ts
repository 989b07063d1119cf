import { blockingDncType, CAMPAIGN_PURPOSES, dncTypeForRequest } from '../../src/domain/campaign/purpose.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_RULES } from '../../src/domain/campaign/retry.js';
import type { AttemptResult } from '../../src/domain/attempt.js';
import { leadStepAfter, nextLeadStep } from '../support/lead-step.js';
import { wavDurationSec } from '../../src/recordings/wav.js';

const at = new Date('2026-11-24T10:00:00Z');
const inMin = (m: number) => new Date(at.getTime() + m * 60_000);
type R = Pick<AttemptResult, 'outcome' | 'abandoned' | 'agentId'> & {
  nextEligibleAt?: Date;
  gateReason?: string;
};

describe('the lead after one attempt (lifecycle: finished / refused-by-gate)', () => {
  const cases: [string, R, number, ReturnType<typeof nextLeadStep>][] = [
    [
      'talked to an agent → done',
      { outcome: 'answered', abandoned: false, agentId: 7 },
      1,
      { status: 'done', nextAttemptAt: null },
    ],
    [
      'busy → 10 min',
      { outcome: 'busy', abandoned: false },
      1,
      { status: 'scheduled', nextAttemptAt: inMin(10) },
    ],
    [
      'no answer → 1 h',
      { outcome: 'no-answer', abandoned: false },
      2,
      { status: 'scheduled', nextAttemptAt: inMin(60) },
    ],
    [
      'machine → 4 h',
      { outcome: 'machine', abandoned: false },
      1,
      { status: 'scheduled', nextAttemptAt: inMin(240) },
    ],
    [
      'abandoned → not within 72 h',
      { outcome: 'answered', abandoned: true },
      1,
      { status: 'scheduled', nextAttemptAt: inMin(72 * 60) },
    ],
    [
      'invalid number → never again',
      { outcome: 'invalid-number', abandoned: false },
      1,
      { status: 'invalid', nextAttemptAt: null },
    ],
    [
      'last allowed attempt busy → done',
      { outcome: 'busy', abandoned: false },
      5,
      { status: 'done', nextAttemptAt: null },
    ],
    [
      'gate refused → when the gate says',
      { outcome: 'not-dialled', abandoned: false, nextEligibleAt: inMin(90) },
      3,
      { status: 'scheduled', nextAttemptAt: inMin(90) },
    ],
    [
      'gate: DNC → never again',
      { outcome: 'not-dialled', abandoned: false, gateReason: 'dnc:marketing' },
      1,
      { status: 'dnc', nextAttemptAt: null },
    ],
    [
      'gate: blacklist → blocked',
      { outcome: 'not-dialled', abandoned: false, gateReason: 'blacklist' },
      1,
      { status: 'blocked', nextAttemptAt: null },
    ],
  ];
  it.each(cases)('%s', (_name, r, attempts, expected) => {
    expect(nextLeadStep(r, attempts, 5, DEFAULT_RETRY_RULES, at)).toEqual(expected);
  });
});

function wav(dataBytes: number, byteRate: number, declared = dataBytes): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(Math.min(0xffffffff, 36 + declared), 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(byteRate, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(declared, 40);
  return h;
}

describe('the lead and its due callback after one attempt', () => {
  const at = new Date('2026-06-10T15:00:00Z');
  const cb = { kind: 'callback' as const, dueAt: at, trialEndsAt: null };
  const r = (over: Partial<R>): R => ({ outcome: 'no-answer' as const, abandoned: false, ...over });
  it.each([
    ['no answer: still a callback, at the retry time', r({}), 'callback', 'pending'],
    ['busy: still a callback', r({ outcome: 'busy' }), 'callback', 'pending'],
    [
      'reached by an agent: done, callback complete',
      r({ outcome: 'answered', agentId: 7 }),
      'done',
      'complete',
    ],
    [
      'abandoned: not reached, still a callback',
      r({ outcome: 'answered', abandoned: true }),
      'callback',
      'pending',
    ],
    [
      'invalid number: the lead is invalid, the callback missed',
      r({ outcome: 'invalid-number' }),
      'invalid',
      'missed',
    ],
    [
      'refused (window): kept as a callback',
      r({ outcome: 'not-dialled', gateReason: 'outside-window' }),
      'callback',
      'pending',
    ],
    [
      'refused (blacklist): the lead is blocked, the callback missed',
      r({ outcome: 'not-dialled', gateReason: 'blacklist' }),
      'blocked',
      'missed',
    ],
  ] as const)('%s', (_name, result, leadStatus, callbackKind) => {
    const step = leadStepAfter(result, 1, 5, DEFAULT_RETRY_RULES, at, cb);
    // Kept or retried: the scheduled call stays pending (no effect on it).
    const effect = step.scheduledCall?.kind ?? (step.status === 'callback' ? 'pending' : 'none');
    expect([step.status, effect]).toEqual([leadStatus, callbackKind]);
  });
});

describe('wavDurationSec', () => {
  it('reads data bytes over byte rate', () => {
    expect(wavDurationSec(wav(32_000, 16_000), 44 + 32_000)).toBe(2);
  });
  it('trusts the file length when the header was never finalised', () => {
    expect(wavDurationSec(wav(8_000, 16_000, 0xffffffff), 44 + 8_000)).toBe(0.5);
  });
  it('refuses what is not a WAV', () => {
    expect(wavDurationSec(Buffer.from('not a wav file at all, sorry'), 28)).toBeUndefined();
  });
});

describe('dncTypeForRequest', () => {
  it.each(CAMPAIGN_PURPOSES.map((p) => [p]))(
    'a stop request on a %s call is blocked by the gate',
    (purpose) => {
      const type = dncTypeForRequest(purpose);
      expect(blockingDncType(purpose, [type])).toBe(type);
    },
  );
  it('records the narrowest type', () => {
    expect(CAMPAIGN_PURPOSES.map((p) => dncTypeForRequest(p))).toEqual([
      'marketing',
      'survey',
      'care',
      'marketing',
      'all',
      'all',
      'all',
    ]);
  });
});
