import { describe, expect, it } from 'vitest';
import { previewSettings } from '../../src/domain/campaign/engine-settings.js';
import { CampaignSettingsError, parseCampaignInput } from '../../src/domain/campaign/settings.js';
import type { AgentState } from '../../src/domain/agent-state.js';
import {
  autoDialAt,
  heldOfferValid,
  leadOwner,
  offerTarget,
  OWNER_ABSENT_RETRY_MS,
  OWNER_BUSY_RETRY_MS,
  recoveredOfferStep,
  type OfferTarget,
  type OwnerAvailability,
} from '../../src/domain/preview/offer-rules.js';
import { leadAfterSkip, parseSkip, SKIP_REASON_CODES } from '../../src/domain/preview/skip-reasons.js';

const now = new Date('2026-05-04T14:00:00Z');

describe('parseSkip', () => {
  const cases: [string, unknown, string | null][] = [
    ['a listed reason', { offerId: 3, reason: 'not-now' }, null],
    ['a note with it', { offerId: 3, reason: 'needs-research', note: 'check the contract number' }, null],
    ['other with a note', { offerId: 3, reason: 'other', note: 'customer in hospital' }, null],
    ['no body', undefined, '(body): '],
    ['an unknown reason', { offerId: 3, reason: 'bored' }, 'reason: must be one of not-now, needs-research'],
    ['no reason', { offerId: 3 }, 'reason: must be one of'],
    ['no offer id', { reason: 'not-now' }, 'offerId: required'],
    ['a string offer id', { offerId: '3', reason: 'not-now' }, 'offerId: must be a number'],
    ['a negative offer id', { offerId: -3, reason: 'not-now' }, 'offerId: must be a positive offer id'],
    ['other without a note', { offerId: 3, reason: 'other' }, 'note: required when reason is "other"'],
    ['a blank note', { offerId: 3, reason: 'other', note: '   ' }, 'note: must not be empty'],
    ['a note too long', { offerId: 3, reason: 'not-now', note: 'x'.repeat(501) }, 'note: Too big'],
    ['an unknown field', { offerId: 3, reason: 'not-now', callNow: true }, '(body): Unrecognized key'],
  ];
  for (const [name, body, error] of cases) {
    it(name, () => {
      const r = parseSkip(body);
      if (error === null) expect(r.ok).toBe(true);
      else {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.message).toContain(error);
      }
    });
  }

  it('names every bad field at once', () => {
    const r = parseSkip({ offerId: -1, reason: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/^offerId: .*; reason: /);
  });
});

describe('leadAfterSkip', () => {
  it('puts the lead back after the retry minutes for reasons that do not end it', () => {
    for (const reason of ['not-now', 'needs-research', 'other'] as const)
      expect(leadAfterSkip(reason, now, 60)).toEqual({ kind: 'later', at: new Date('2026-05-04T15:00:00Z') });
  });
  it('closes the lead when the pre-call check fails or the record is wrong', () => {
    expect(leadAfterSkip('existing-customer', now, 60)).toEqual({ kind: 'close' });
    expect(leadAfterSkip('bad-record', now, 60)).toEqual({ kind: 'close' });
  });
  it('has a rule for every reason', () => {
    for (const r of SKIP_REASON_CODES) expect(leadAfterSkip(r, now, 5).kind).toMatch(/later|close/);
  });
});

describe('leadOwner', () => {
  const cases: [string, number | null, number | null, number | null][] = [
    ['nobody', null, null, null],
    ['assigned list', 7, null, 7],
    ['agent-owned callback', null, 8, 8],
    ['assignment wins over a callback owner (confidentiality)', 7, 8, 7],
  ];
  for (const [name, assigned, owner, want] of cases)
    it(name, () => expect(leadOwner({ assignedAgentId: assigned, callbackOwnerId: owner })).toBe(want));
});

describe('offerTarget', () => {
  const cases: [string, number | null, OwnerAvailability, OfferTarget][] = [
    ['no owner → the candidate', null, 'absent', { kind: 'offer', agentId: 1 }],
    ['owner is the candidate', 1, 'busy', { kind: 'offer', agentId: 1 }],
    ['owner free → the owner, not the candidate', 2, 'free', { kind: 'offer', agentId: 2 }],
    [
      'owner busy → held briefly',
      2,
      'busy',
      { kind: 'hold', retryInMs: OWNER_BUSY_RETRY_MS, why: 'owner-busy' },
    ],
    [
      'owner not logged in → held longer, never given to another',
      2,
      'absent',
      { kind: 'hold', retryInMs: OWNER_ABSENT_RETRY_MS, why: 'owner-absent' },
    ],
  ];
  for (const [name, owner, availability, want] of cases)
    it(name, () => expect(offerTarget(owner, 1, availability)).toEqual(want));
});

describe('autoDialAt', () => {
  it('is off for 0, negative or missing seconds', () => {
    expect(autoDialAt(now, 0)).toBeNull();
    expect(autoDialAt(now, -5)).toBeNull();
    expect(autoDialAt(now, Number.NaN)).toBeNull();
  });
  it('is the offer time plus the preview seconds', () => {
    expect(autoDialAt(now, 15)).toEqual(new Date('2026-05-04T14:00:15Z'));
  });
});

describe('recoveredOfferStep', () => {
  const t = 1_000;
  const cases: [AgentState | undefined, number, string][] = [
    ['ready', t + 10, 'reattach'],
    ['ready', t - 10, 'reattach'],
    [undefined, t - 1, 'keep'],
    ['logged-out', t - 1, 'keep'],
    [undefined, t, 'return'],
    ['logged-out', t + 1, 'return'],
    ['paused', t - 1, 'return'],
    ['on-call', t - 1, 'return'],
    ['wrap-up', t - 1, 'return'],
    ['reserved', t - 1, 'return'],
  ];
  for (const [state, at, want] of cases)
    it(`${state ?? 'not logged in'} at ${at} → ${want}`, () =>
      expect(recoveredOfferStep(state, at, t)).toBe(want));
});

describe('heldOfferValid', () => {
  it('holds only while the agent is reserved for exactly this attempt', () => {
    expect(heldOfferValid({ state: 'reserved', callId: 'c1-l1-a1' }, 'c1-l1-a1')).toBe(true);
    expect(heldOfferValid({ state: 'reserved', callId: 'c1-l2-a1' }, 'c1-l1-a1')).toBe(false);
    expect(heldOfferValid({ state: 'paused' }, 'c1-l1-a1')).toBe(false);
    expect(heldOfferValid({ state: 'logged-out' }, 'c1-l1-a1')).toBe(false);
    expect(heldOfferValid(undefined, 'c1-l1-a1')).toBe(false);
  });
});

describe('preview settings', () => {
  it('defaults: manual dial, 120 s hold after a restart, skipped leads back in 60 min', () => {
    expect(previewSettings(undefined)).toEqual({
      previewSeconds: 0,
      previewHoldSec: 120,
      previewSkipRetryMinutes: 60,
    });
    expect(previewSettings({ wrapUpSec: 5, ivrMenu: 'x', previewSeconds: 20 }).previewSeconds).toBe(20);
  });
  it('names each bad field', () => {
    expect(() => previewSettings({ previewSeconds: -1, previewSkipRetryMinutes: 'soon' })).toThrow(
      /^settings\.engine\.previewSeconds: .*; settings\.engine\.previewSkipRetryMinutes: /,
    );
    expect(() => previewSettings('fast')).toThrow(/^settings\.engine: /);
  });
  it('a campaign file may carry the engine block; a misspelt key is named', () => {
    const base = { code: 'pv', name: 'Preview', purpose: 'care', dialMode: 'preview' };
    expect(parseCampaignInput({ ...base, engine: { previewSeconds: 30, wrapUpSec: 15 } }).engine).toEqual({
      previewSeconds: 30,
      wrapUpSec: 15,
    });
    try {
      parseCampaignInput({ ...base, engine: { previewSecs: 30, ringTimeoutSec: 10 } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CampaignSettingsError);
      const paths = (err as CampaignSettingsError).issues.map((i) => i.path);
      expect(paths).toContain('engine.ringTimeoutSec');
      expect((err as Error).message).toContain('previewSecs');
    }
  });
});
