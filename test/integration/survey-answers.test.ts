import { systemClock } from '../../src/composition/system-clock.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { surveySchema, type SurveyInput } from '../../src/domain/campaign/survey.js';
import { AgentPool } from '../../src/engine/agent-pool.js';
import { agentlessPlan } from '../../src/engine/agentless-flow.js';
import { CallFlow, type CallPlan } from '../../src/engine/call-flow.js';
import { EventRouter } from '../../src/engine/event-router.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { RecordingArchiver } from '../../src/recordings/archiver.js';
import { formatSurveyResults, surveyResults } from '../../src/reports/survey-results.js';
import { AgentRepository } from '../../src/store/repositories/agents.js';
import { CallRepository } from '../../src/store/repositories/calls.js';
import { createCampaign } from '../../src/store/repositories/campaigns.js';
import { RecordingRepository } from '../../src/store/repositories/recordings.js';
import { SurveyRepository } from '../../src/store/repositories/surveys.js';
import { createTestDb, type TestDb } from '../support/db.js';

/** The e2e test's survey with 1 s timeouts: the fake runs the far end 20× fast, not our timers. */
const SURVEY: SurveyInput = {
  intro: 'sound:beep',
  questions: [
    {
      key: 'rating',
      prompt: 'sound:hello-world',
      valid: ['1', '2', '3', '4', '5'],
      timeoutSec: 1,
      retries: 1,
      rating: true,
    },
    { key: 'recommend', prompt: 'sound:vm-press', valid: ['1', '2', '3'], timeoutSec: 1, retries: 1 },
  ],
  closing: 'sound:auth-thankyou',
};

/**
 * Agentless calls through CallFlow and AgentlessFlow against the fake PBX (whose customers
 * press keys as the lab's do), stored in a real Postgres: answers as they come, the survey's
 * status, the recording archived, the lead's result.
 */
describe('survey answers on Postgres', () => {
  let t: TestDb;
  let pbx: FakePbxDriver;
  let router: EventRouter;
  let recordingsRoot = '';
  const logger = pino({ level: 'silent' });
  let campaignId = 0;

  beforeAll(async () => {
    t = await createTestDb();
    recordingsRoot = mkdtempSync(join(tmpdir(), 'survey-rec-'));
    pbx = new FakePbxDriver({ speed: 20 });
    await pbx.connect();
    router = new EventRouter(pbx);
    const [c] = await t
      .db('campaigns')
      .insert({
        code: 'rating',
        name: 'Rating',
        purpose: 'survey',
        dial_mode: 'agentless',
        status: 'active',
        settings: { survey: surveySchema.parse(SURVEY) },
      })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
  });

  afterAll(async () => {
    router?.close();
    await pbx?.close();
    await t?.drop();
    if (recordingsRoot) rmSync(recordingsRoot, { recursive: true, force: true });
  });

  const call = async (phone: string, amd = true) => {
    const [lead] = await t
      .db('leads')
      .insert({ campaign_id: campaignId, phone_e164: phone, timezone: 'America/New_York' })
      .returning<{ id: number }[]>('id');
    const leadId = lead?.id ?? 0;
    const callId = `c${campaignId}-l${leadId}-a1`;
    const deps = {
      pbx,
      router,
      agents: new AgentPool(pbx, router, new AgentRepository(t.db), logger, {
        campaignId,
        wrapUpSec: 1,
        loginTimeoutSec: 5,
        clock: systemClock,
      }),
      calls: new CallRepository(t.db),
      recordings: new RecordingRepository(t.db),
      archive: new RecordingArchiver(recordingsRoot, logger),
      logger,
      clock: systemClock,
    };
    const row = (await t.db('campaigns').where({ id: campaignId }).first()) as {
      settings: Record<string, unknown>;
    };
    const agentless = agentlessPlan(
      { pbx, surveys: new SurveyRepository(t.db), logger, clock: systemClock },
      campaignId,
      row.settings,
    );
    const plan: CallPlan = {
      campaignCode: 'rating',
      campaignPurpose: 'survey',
      endpoint: `lab/${phone}`,
      trunk: 'lab-carrier',
      pbxNode: 'lab',
      ringTimeoutSec: 15,
      amd,
      amdWaitForBeep: agentless.amdWaitForBeep,
      answerHandler: agentless.answerHandlerFor?.({ callId, campaignId, leadId, attempt: 1, phone }),
      connectWithinMs: 2_000,
      idMessage: 'sound:custom/dialer-id-message',
      idMessageSec: 1,
    };
    const result = await new CallFlow(deps, { callId, campaignId, leadId, attempt: 1, phone }, plan).start();
    // The archive follows the hang-up.
    await expect
      .poll(
        async () => (await t.db('recordings').where({ call_id: callId }).first<{ status: string }>())?.status,
        {
          timeout: 5_000,
        },
      )
      .toBe('archived');
    const answers = await new SurveyRepository(t.db).answersOf(callId);
    const survey = await t
      .db('survey_calls')
      .where({ call_id: callId })
      .first<{ status: string; answered: number }>();
    return {
      callId,
      result,
      answers: answers.map((a) => `${a.question}=${a.digit ?? '-'} ${a.kind} #${a.attempt}`),
      survey,
    };
  };

  it('stores each key as it comes; a completed survey is a contact and never an abandon', async () => {
    const r = await call(labNumber(9, 0, 1, 555, '43'));
    expect(r.answers).toEqual(['rating=4 answer #1', 'recommend=3 answer #1']);
    expect(r.survey).toMatchObject({ status: 'completed', answered: 2 });
    expect(r.result).toMatchObject({
      outcome: 'answered',
      contacted: true,
      partial: false,
      abandoned: false,
      liveAnswer: false,
    });
    const row = await t
      .db('calls')
      .where({ id: r.callId })
      .first<{ abandoned: boolean; amd_result: string }>();
    expect(row).toMatchObject({ abandoned: false, amd_result: 'human' });
    const rec = await t.db('recordings').where({ call_id: r.callId }).first<{ path: string }>();
    expect(existsSync(rec?.path ?? '')).toBe(true);
  });

  it('a hang-up mid-survey keeps the answers given', async () => {
    // Presses 4, then 9 (not valid for the second question), then hangs up 1 s (lab time) later.
    const r = await call(labNumber(9, 1, 2, 555, '49'));
    expect(r.answers).toEqual(['rating=4 answer #1', 'recommend=9 invalid #1']);
    expect(r.survey).toMatchObject({ status: 'hung-up', answered: 1 });
    expect(r.result).toMatchObject({ contacted: false, partial: true, abandoned: false });
  });

  it('silence: every attempt is stored as no-input, the survey ends incomplete', async () => {
    const r = await call(labNumber(9, 0, 3, 555), false);
    expect(r.answers).toEqual([
      'rating=- no-input #1',
      'rating=- no-input #2',
      'recommend=- no-input #1',
      'recommend=- no-input #2',
    ]);
    expect(r.survey).toMatchObject({ status: 'incomplete', answered: 0 });
    expect(r.result).toMatchObject({ contacted: false, partial: true });
  });

  it('a second store of the same attempt is a no-op; the schema refuses a digit on a silence', async () => {
    const repo = new SurveyRepository(t.db);
    const [one] = await t
      .db('calls')
      .where({ campaign_id: campaignId })
      .select<{ id: string; lead_id: number }[]>('id', 'lead_id');
    const ref = { callId: one?.id ?? '', campaignId, leadId: one?.lead_id ?? 0 };
    const before = (await repo.answersOf(ref.callId)).length;
    await repo.answer(ref, { question: 'rating', digit: '5', kind: 'answer', attempt: 1, at: new Date() });
    expect(await repo.answersOf(ref.callId)).toHaveLength(before);
    await expect(
      t.db('survey_answers').insert({
        ...{ call_id: ref.callId, campaign_id: campaignId, lead_id: ref.leadId },
        question: 'x',
        digit: '1',
        kind: 'no-input',
        attempt: 1,
        at: new Date(),
      }),
    ).rejects.toThrow(/survey_answers_digit_check/);
  });

  it('campaign create stores the validated survey; a bad one is refused naming the field', async () => {
    const raw = parse(readFileSync('config/campaign.survey.example.yaml', 'utf8')) as Record<string, unknown>;
    const c = await createCampaign(t.db, raw);
    expect(c).toMatchObject({ dial_mode: 'agentless', status: 'draft' });
    expect(surveySchema.parse(c.settings['survey']).questions.map((q) => q.key)).toEqual([
      'rating',
      'recommend',
    ]);
    const survey = raw['survey'] as { questions: { valid: string[] }[] };
    const bad = {
      ...raw,
      code: 'bad-rating',
      survey: { ...survey, questions: [survey.questions[0], { ...survey.questions[1], valid: [] }] },
    };
    await expect(createCampaign(t.db, bad)).rejects.toThrow(
      'survey.questions[1].valid: list at least one key',
    );
    expect(await t.db('campaigns').where({ code: 'bad-rating' }).first()).toBeUndefined();
  });

  it('survey results on a campaign without a survey says so (not "no answered calls yet")', async () => {
    await createCampaign(t.db, { code: 'no-survey', name: 'Sales', purpose: 'marketing' });
    await expect(surveyResults(t.db, 'no-survey')).rejects.toThrow(
      'campaign no-survey has no survey (it is a progressive campaign): survey results exist only for agentless campaigns with a survey section',
    );
  });

  it('the report counts per question and answer', async () => {
    const r = await surveyResults(t.db, 'rating');
    expect(r.calls).toEqual({ completed: 1, 'hung-up': 1, incomplete: 1 });
    expect(r.questions.map((q) => q.question)).toEqual(['rating', 'recommend']);
    expect(r.questions[0]).toMatchObject({
      asked: 3,
      answered: 2,
      noValidAnswer: 1,
      answers: { '4': 2 },
      mean: 4,
      silences: 2,
    });
    expect(r.questions[1]).toMatchObject({
      asked: 3,
      answered: 1,
      noValidAnswer: 2,
      answers: { '3': 1 },
      invalidKeys: 1,
      silences: 2,
    });
    const text = formatSurveyResults(r);
    expect(text).toContain('answered calls: completed 1, hung-up 1, incomplete 1');
    expect(text).toContain(
      'rating (rating)\n  asked 3, answered 2, no valid answer 1 (invalid keys 0, silences 2); mean 4.00',
    );
    expect(text).toContain('  4        2   100%');
  });
});
