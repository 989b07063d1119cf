import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  campaignRules,
  CampaignSettingsError,
  parseCampaignInput,
} from '../../src/domain/campaign/settings.js';
import {
  DEFAULT_SECOND_CONFIRMATION,
  onSecondConfirmationUnreached,
  scheduleSecondConfirmation,
} from '../../src/domain/campaign/second-confirmation.js';
import { decideRetry, DEFAULT_RETRY_RULES } from '../../src/domain/campaign/retry.js';

const base = { code: 'spring-offer', name: 'Spring offer', purpose: 'marketing' };

describe('campaign settings', () => {
  it('applies profile defaults', () => {
    const us = campaignRules(parseCampaignInput(base));
    expect(us.window).toMatchObject({ start: '08:00', end: '21:00', zone: 'callee' });
    expect(us.abandonTarget).toBe(0.03);
    expect(us.frequencyCapDays).toBe(30);
    const cn = campaignRules(parseCampaignInput({ ...base, profile: 'cn' }));
    expect(cn.window.zone).toBe('Asia/Shanghai');
    expect(cn.calleeLimits).toEqual([
      { max: 5, windowMinutes: 1440 },
      { max: 3, windowMinutes: 5 },
    ]);
  });

  it('accepts config/campaign.example.yaml', () => {
    const raw: unknown = parse(readFileSync('config/campaign.example.yaml', 'utf8'));
    expect(campaignRules(parseCampaignInput(raw))).toMatchObject({
      purpose: 'care',
      holidays: ['2026-12-25', '2027-01-01'],
    });
  });

  it('merges a partial window and retry overrides', () => {
    const r = campaignRules(
      parseCampaignInput({
        ...base,
        window: { end: '20:00' },
        retry: { busy: 30, machine: null },
        abandonTarget: 0,
      }),
    );
    expect(r.window).toMatchObject({ start: '08:00', end: '20:00' });
    expect(r.retry).toMatchObject({ busy: 30, machine: null, 'no-answer': 60 });
    expect(r.abandonTarget).toBe(0);
  });

  it.each([
    [{ purpose: 'spam' }, 'purpose'],
    [{ window: { start: '21:00', end: '08:00' } }, 'window.end: start must be before end'],
    [{ window: { start: '8am' } }, 'window.start: use HH:mm'],
    [{ window: { zone: 'Mars/Olympus' } }, 'window.zone'],
    [{ abandonTarget: 0.05 }, 'abandonTarget: the legal ceiling'],
    [{ holidays: ['25/12/2026'] }, 'holidays[0]: use YYYY-MM-DD'],
    [{ callerId: '5551234' }, 'callerId: must be an E.164'],
    [{ profile: 'uk', abandonBlockHours: 24 }, 'abandonBlockHours: the uk profile requires'],
    [{ retry: { sometimes: 5 } }, 'retry'],
  ])('rejects %j naming the field', (over, message) => {
    expect(() => parseCampaignInput({ ...base, ...over })).toThrow(CampaignSettingsError);
    expect(() => parseCampaignInput({ ...base, ...over })).toThrow(message);
  });
});

describe('retry rules', () => {
  const at = new Date('2026-06-10T16:00:00Z');
  const plus = (min: number) => new Date(at.getTime() + min * 60_000);
  it.each([
    [{ outcome: 'busy' }, { kind: 'retry', at: plus(10) }],
    [{ outcome: 'no-answer' }, { kind: 'retry', at: plus(60) }],
    [{ outcome: 'congestion' }, { kind: 'retry', at: plus(5) }],
    [{ outcome: 'machine' }, { kind: 'retry', at: plus(240) }],
    [
      { outcome: 'answered', abandoned: true },
      { kind: 'retry', at: plus(72 * 60) },
    ],
    [
      { outcome: 'answered', contacted: true },
      { kind: 'done', reason: 'contacted' },
    ],
    [{ outcome: 'invalid-number' }, { kind: 'done', reason: 'invalid-number' }],
    [
      { outcome: 'busy', attempts: 5 },
      { kind: 'done', reason: 'max-attempts' },
    ],
  ] as const)('%j → %j', (a, expected) => {
    const r = decideRetry(
      { abandoned: false, contacted: false, attempts: 1, at, ...a },
      DEFAULT_RETRY_RULES,
      5,
    );
    expect(r).toEqual(expected);
  });

  it('a null rule ends the lead', () => {
    expect(
      decideRetry(
        { outcome: 'machine', abandoned: false, contacted: false, attempts: 1, at },
        { ...DEFAULT_RETRY_RULES, machine: null },
        5,
      ),
    ).toEqual({ kind: 'done', reason: 'no-retry-rule' });
  });
});

describe('second-confirmation call for trial products', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const trialEnds = new Date('2026-06-15T00:00:00Z');
  it('is due before the trial ends; unreached extends once, then gives up', () => {
    const first = scheduleSecondConfirmation(trialEnds, now);
    expect(first).toEqual({
      dueAt: new Date('2026-06-13T00:00:00Z'),
      trialEndsAt: trialEnds,
      extended: false,
    });
    const step = onSecondConfirmationUnreached(first);
    expect(step).toEqual({
      kind: 'extend',
      next: {
        dueAt: new Date('2026-06-20T00:00:00Z'),
        trialEndsAt: new Date('2026-06-22T00:00:00Z'),
        extended: true,
      },
    });
    if (step.kind !== 'extend') throw new Error('expected an extension');
    expect(onSecondConfirmationUnreached(step.next)).toEqual({ kind: 'give-up', reason: 'already-extended' });
  });

  it('is due now when the trial ends sooner than the lead time; refuses a past trial end', () => {
    const soon = new Date(now.getTime() + 3_600_000);
    expect(scheduleSecondConfirmation(soon, now, DEFAULT_SECOND_CONFIRMATION).dueAt).toEqual(now);
    expect(() => scheduleSecondConfirmation(now, now)).toThrow('not in the future');
  });
});
