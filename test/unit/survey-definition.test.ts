import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decideRetry, DEFAULT_RETRY_RULES } from '../../src/domain/campaign/retry.js';
import { campaignRules, parseCampaignInput } from '../../src/domain/campaign/settings.js';
import { nextQuestion, surveySchema } from '../../src/domain/campaign/survey.js';
import { answerResultOf } from '../../src/engine/agentless-flow.js';
import { nextLeadStep } from '../support/lead-step.js';

const base = { code: 'rating-2026', name: 'Rating', purpose: 'survey', dialMode: 'agentless' };
const question = { key: 'q1', prompt: 'sound:hello-world', valid: ['1', '2'] };
const survey = { intro: 'sound:beep', questions: [question] };

const errorOf = (raw: unknown): string => {
  try {
    parseCampaignInput(raw);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('survey definition', () => {
  it('fills in defaults: 5 s timeout, 2 retries, hang up on machines, 300 s per call', () => {
    const s = surveySchema.parse(survey);
    expect(s.questions[0]).toMatchObject({ timeoutSec: 5, retries: 2, rating: false });
    expect(s).toMatchObject({ machine: 'hangup', maxCallSec: 300 });
  });

  it('accepts config/campaign.survey.example.yaml (the satisfaction rating)', () => {
    const raw: unknown = parse(readFileSync('config/campaign.survey.example.yaml', 'utf8'));
    const c = parseCampaignInput(raw);
    expect(c.dialMode).toBe('agentless');
    expect(c.survey?.questions[0]).toMatchObject({
      key: 'rating',
      rating: true,
      valid: ['1', '2', '3', '4', '5'],
    });
  });

  it.each([
    [
      { ...survey, questions: [question, { ...question, key: 'q2', valid: ['1', '1'] }] },
      'survey.questions[1].valid: a key is listed twice',
    ],
    [{ ...survey, questions: [{ ...question, valid: ['12'] }] }, 'survey.questions[0].valid[0]: one key'],
    [
      { ...survey, questions: [{ ...question, prompt: 'hello.wav' }] },
      'survey.questions[0].prompt: a PBX sound',
    ],
    [{ ...survey, intro: 'sound:../../etc/passwd' }, 'survey.intro: a PBX sound'],
    [
      { ...survey, questions: [question, question] },
      'survey.questions[1].key: "q1" is already the key of questions[0]',
    ],
    [
      { ...survey, questions: [{ ...question, branch: { '3': 'end' } }] },
      'survey.questions[0].branch.3: key 3 is not one of valid (1, 2)',
    ],
    [
      { ...survey, questions: [{ ...question, branch: { '1': 'q1' } }] },
      'survey.questions[0].branch.1: "q1" is not after this question',
    ],
    [
      { ...survey, questions: [{ ...question, branch: { '1': 'nope' } }] },
      'survey.questions[0].branch.1: no question has the key "nope"',
    ],
    [{ ...survey, repeatKey: '1' }, 'survey.questions[0].valid: "1" is the repeatKey'],
    [{ ...survey, machine: 'message' }, 'survey.machineMessage: required when machine is "message"'],
    [{ questions: [] }, 'survey.intro: a survey without questions (a notification) needs'],
    [{ ...survey, questions: [{ ...question, timeoutSec: 0 }] }, 'survey.questions[0].timeoutSec'],
    [{ ...survey, extra: true }, 'survey: Unrecognized key'],
  ])('names the bad field: %j', (s, message) => {
    expect(errorOf({ ...base, survey: s })).toContain(message);
  });

  it('an agentless campaign needs a survey, and only agentless campaigns take one', () => {
    expect(errorOf(base)).toContain('survey: an agentless campaign needs a survey');
    expect(errorOf({ ...base, dialMode: 'progressive', survey })).toContain(
      'survey: only agentless campaigns play a survey (dialMode is progressive)',
    );
    expect(() => parseCampaignInput({ ...base, survey })).not.toThrow();
    // A notification: just a message.
    expect(() =>
      parseCampaignInput({ ...base, purpose: 'notification', survey: { intro: 'sound:beep' } }),
    ).not.toThrow();
  });

  it('branches lead forward or to the end; other keys to the next question', () => {
    const s = surveySchema.parse({
      questions: [
        { ...question, valid: ['1', '2', '9'], branch: { '2': 'q3', '9': 'end' } },
        { ...question, key: 'q2' },
        { ...question, key: 'q3' },
      ],
    });
    expect([nextQuestion(s, 0, '1'), nextQuestion(s, 0, '2'), nextQuestion(s, 0, '9')]).toEqual([1, 2, 3]);
    expect(nextQuestion(s, 1, '1')).toBe(2);
  });
});

describe('agentless results and the lead', () => {
  const at = new Date('2026-06-01T12:00:00Z');
  it.each([
    ['completed', { contacted: true, partial: false }],
    ['incomplete', { contacted: false, partial: true }],
    ['hung-up', { contacted: false, partial: true }],
    ['machine-message', { contacted: false, partial: false }],
    ['machine-hangup', { contacted: false, partial: false }],
  ] as const)('%s → %j', (status, expected) => {
    expect(answerResultOf(status)).toEqual(expected);
  });

  it('completed → done; partial → the partial rule (24 h); a machine → its rule (4 h)', () => {
    const answered = { outcome: 'answered' as const, abandoned: false };
    expect(nextLeadStep({ ...answered, contacted: true }, 1, 3, DEFAULT_RETRY_RULES, at)).toEqual({
      status: 'done',
      nextAttemptAt: null,
    });
    expect(nextLeadStep({ ...answered, partial: true }, 1, 3, DEFAULT_RETRY_RULES, at)).toEqual({
      status: 'scheduled',
      nextAttemptAt: new Date(at.getTime() + 24 * 3_600_000),
    });
    expect(nextLeadStep({ outcome: 'machine', abandoned: false }, 1, 3, DEFAULT_RETRY_RULES, at)).toEqual({
      status: 'scheduled',
      nextAttemptAt: new Date(at.getTime() + 4 * 3_600_000),
    });
    // The last attempt ends the lead whatever happened.
    expect(nextLeadStep({ ...answered, partial: true }, 3, 3, DEFAULT_RETRY_RULES, at).status).toBe('done');
  });

  it('partial can be set per campaign (null = never retry a partial)', () => {
    const rules = campaignRules(parseCampaignInput({ ...base, survey, retry: { partial: null } })).retry;
    expect(rules.partial).toBeNull();
    expect(
      decideRetry(
        { outcome: 'answered', abandoned: false, contacted: false, partial: true, attempts: 1, at },
        rules,
        5,
      ),
    ).toEqual({ kind: 'done', reason: 'no-retry-rule' });
  });
});
