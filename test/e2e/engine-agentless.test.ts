import { existsSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { surveySchema, type SurveyInput } from '../../src/domain/campaign/survey.js';
import type { EngineRegistry } from '../../src/engine/registry.js';
import { labNumber, parseLabNumber } from '../../src/lab/number-plan.js';
import { AmiDriver } from '../../src/pbx/asterisk/ami/ami-driver.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import type { Logger } from '../../src/logger.js';
import type { PbxDriver, PbxEvent } from '../../src/pbx/pbx-driver.js';
import { sha256File } from '../../src/recordings/archiver.js';
import { surveyResults } from '../../src/reports/survey-results.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { carrierLogOffset, dialogsAtCarrier, labSettings, type LabSettings } from '../support/lab.js';
import { requireDialplanContexts } from '../support/lab-dialplan.js';
import { labPbxs } from '../support/lab-pbx.js';
import type { Config } from '../../src/config/load.js';

const ZONES = ['Pacific/Honolulu', 'America/Los_Angeles', 'America/New_York', 'Europe/London', 'Asia/Tokyo'];
const ZONES_ALL = [...ZONES, 'Asia/Kolkata', 'Asia/Shanghai', 'Australia/Sydney', 'Pacific/Auckland'];

/** A time zone where it is daytime now: the calling window must be open for the test. */
function dayZone(): string {
  const zone = ZONES_ALL.find(
    (z) => DateTime.now().setZone(z).hour >= 10 && DateTime.now().setZone(z).hour < 19,
  );
  if (!zone) throw new Error('no zone in daytime');
  return zone;
}

/**
 * Two questions with prompts short enough for the lab's customers, who press their first key 3 s
 * after answering and the second 3 s later: AMD takes ≈ 1.6 s on them, the intro 0.44 s, so the
 * first key lands in the first prompt (1.42 s; a key cuts it short) and the second within the
 * second question's 4 s wait.
 */
const SURVEY: SurveyInput = {
  intro: 'sound:beep',
  questions: [
    {
      key: 'rating',
      text: 'How satisfied were you? 1 (not at all) to 5 (very)',
      prompt: 'sound:hello-world',
      valid: ['1', '2', '3', '4', '5'],
      timeoutSec: 4,
      retries: 1,
      invalid: 'sound:please-try-again',
      rating: true,
    },
    {
      key: 'recommend',
      text: 'Would you recommend us? 1 yes, 2 no, 3 not sure',
      prompt: 'sound:vm-press',
      valid: ['1', '2', '3'],
      timeoutSec: 4,
      retries: 1,
    },
  ],
  closing: 'sound:auth-thankyou',
  machine: 'message',
  machineMessage: 'sound:vm-goodbye',
};

interface CallRow {
  id: string;
  phone_e164: string;
  outcome: string | null;
  answered_at: Date | null;
  amd_at: Date | null;
  amd_result: string | null;
  ended_at: Date | null;
  abandoned: boolean;
  bridged_at: Date | null;
}

interface AnswerRow {
  call_id: string;
  question: string;
  digit: string | null;
  kind: string;
  attempt: number;
  at: Date;
}

/** One way to reach a lab PBX: its driver, its config, its carrier's log and its dialplan needs. */
interface Target {
  kind: 'ari' | 'ami' | 'esl';
  skip?: string;
  makeDriver: (logger: Logger) => PbxDriver;
  /** Area code of this target's numbers (distinct per target: the carriers' logs are read back). */
  area: number;
  settings: () => LabSettings;
  config: () => Partial<Config>;
  /** Asterisk dialplan contexts the driver needs (a shared lab may lack this branch's). */
  contexts: string[];
}

const freeswitch = labPbxs().find((p) => p.name === 'freeswitch');
const targets: Target[] = [
  {
    kind: 'ari',
    makeDriver: (logger) =>
      new AriDriver({ ...labSettings().ari, app: `e2e-agentless-${process.pid}` }, logger),
    area: 297,
    settings: labSettings,
    config: () => ({}),
    contexts: ['dialer-amd-beep'],
  },
  {
    kind: 'ami',
    makeDriver: (logger) => {
      const lab = labSettings();
      const { host, port, username, secret } = lab.ami;
      return new AmiDriver({ host, port, username, secret, monitorSpool: lab.monitorSpool }, logger);
    },
    area: 296,
    settings: labSettings,
    config: () => ({}),
    contexts: ['dialer-ami-park-beep', 'dialer-ami-play'],
  },
  {
    kind: 'esl',
    ...(freeswitch?.skip !== undefined ? { skip: freeswitch.skip } : {}),
    makeDriver: (logger) => {
      if (!freeswitch) throw new Error('no FreeSWITCH in labPbxs()');
      return freeswitch.driver(logger, 'agentless');
    },
    area: 295,
    settings: () => freeswitch?.settings() ?? labSettings(),
    config: () => freeswitch?.config() ?? {},
    contexts: [],
  },
];

describe.each(targets)('engine, agentless survey, on the lab over $kind', (target) => {
  if (target.skip !== undefined) return void it.skip(target.skip, () => undefined);
  const { kind, makeDriver, area } = target;
  let t: TestDb;
  let app: App;
  let pbx: PbxDriver;
  let registry: EngineRegistry;
  let campaignId = 0;
  let logOffset = 0;
  const events: PbxEvent[] = [];
  const presser = labNumber(9, 0, 1, area, '43');
  const invalidFirst = labNumber(9, 0, 2, area, '73');
  const silent = labNumber(9, 0, 3, area);
  // Presses 4, then 9 (not an answer to the second question), then hangs up 1 s later.
  const leaver = labNumber(9, 1, 4, area, '49');
  const machine = labNumber(5, 0, 5, area);
  const busy = labNumber(1, 0, 6, area);
  const numbers = [presser, invalidFirst, silent, leaver, machine, busy];

  beforeAll(async () => {
    if (target.contexts.length > 0) await requireDialplanContexts(target.contexts);
    t = await createTestDb();
    const made = engineTestApp(t, `agentless-${kind}`, {
      driver: (logger) => {
        const d = makeDriver(logger);
        d.onEvent((e) => events.push(e));
        return d;
      },
      config: target.config(),
    });
    app = made.app;
    pbx = await made.pbx();
    const [c] = await t
      .db('campaigns')
      .insert({
        id: 100_000 + Math.floor(Math.random() * 1e8),
        code: `survey-${kind}`,
        name: `Agentless survey e2e (${kind})`,
        status: 'active',
        purpose: 'survey',
        dial_mode: 'agentless',
        trunk: 'lab-carrier',
        max_attempts: 2,
        settings: {
          engine: { ringTimeoutSec: 15 },
          window: { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6, 7], zone: 'callee' },
          survey: surveySchema.parse(SURVEY),
        },
      })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
    const zone = dayZone();
    await t
      .db('leads')
      .insert(numbers.map((phone) => ({ campaign_id: campaignId, phone_e164: phone, timezone: zone })));
    logOffset = carrierLogOffset(target.settings());
    registry = app.engines();
    await registry.start(campaignId);
  });

  afterAll(async () => {
    await registry?.stopAll(5_000);
    await pbx?.close();
    await app?.close();
    await t?.drop();
  });

  it('dials every lead once, asks the survey, stores the keys pressed, records and archives every answered call, counts no abandon', async () => {
    const deadline = Date.now() + 100_000;
    for (;;) {
      const open = await t
        .db('calls')
        .where({ campaign_id: campaignId })
        .whereNull('ended_at')
        .count<{ n: number }[]>({ n: '*' });
      const dialled = await t
        .db('calls')
        .where({ campaign_id: campaignId })
        .count<{ n: number }[]>({ n: '*' });
      const unarchived = await t
        .db('recordings')
        .whereNotIn('status', ['archived', 'failed'])
        .count<{ n: number }[]>({ n: '*' });
      if (Number(dialled[0]?.n) === numbers.length && Number(open[0]?.n) + Number(unarchived[0]?.n) === 0)
        break;
      if (Date.now() > deadline) throw new Error('the campaign did not finish its calls in time');
      await new Promise((r) => setTimeout(r, 1_000));
    }

    const calls = await t.db('calls').where({ campaign_id: campaignId }).select<CallRow[]>('*');
    const byPhone = new Map(calls.map((c) => [c.phone_e164, c]));
    // Every originate has exactly one call row with an outcome — checked on the carrier's own log.
    const dialogs = dialogsAtCarrier(target.settings(), logOffset);
    for (const n of numbers) {
      expect(dialogs.get(n)?.size, `INVITE dialogs for ${n}`).toBe(1);
      expect(calls.filter((c) => c.phone_e164 === n)).toHaveLength(1);
      expect(byPhone.get(n)?.outcome, n).not.toBeNull();
    }
    expect(byPhone.get(busy)?.outcome).toBe('busy');
    expect(byPhone.get(machine)).toMatchObject({ outcome: 'machine', amd_result: 'machine' });
    for (const n of [presser, invalidFirst, silent, leaver]) {
      expect(byPhone.get(n), n).toMatchObject({ outcome: 'answered', amd_result: 'human' });
    }
    // No agent was promised: nothing is abandoned, nothing enters the abandon-rate ledger.
    for (const c of calls) {
      expect(c.abandoned, c.phone_e164).toBe(false);
      expect(c.bridged_at).toBeNull();
    }
    const stats = registry.get(campaignId)?.runner.stats;
    expect(stats).toMatchObject({ abandoned: 0, liveAnswers: 0, dialled: numbers.length });

    const answers = await t
      .db('survey_answers')
      .where({ campaign_id: campaignId })
      .orderBy('at')
      .orderBy('id')
      .select<AnswerRow[]>('*');
    const of = (n: string) =>
      answers
        .filter((a) => a.call_id === byPhone.get(n)?.id)
        .map((a) => `${a.question}=${a.digit ?? '-'} ${a.kind} #${a.attempt}`);
    expect(of(presser)).toEqual(['rating=4 answer #1', 'recommend=3 answer #1']);
    expect(of(invalidFirst)).toEqual([
      'rating=7 invalid #1',
      'rating=3 answer #2',
      'recommend=- no-input #1',
      'recommend=- no-input #2',
    ]);
    expect(of(silent)).toEqual([
      'rating=- no-input #1',
      'rating=- no-input #2',
      'recommend=- no-input #1',
      'recommend=- no-input #2',
    ]);
    expect(of(leaver)).toEqual(['rating=4 answer #1', 'recommend=9 invalid #1']);
    expect(of(machine)).toEqual([]);
    // The stored keys are exactly what the SIPp customer pressed, in order.
    for (const n of [presser, invalidFirst, silent, leaver]) {
      const pressed = answers
        .filter((a) => a.call_id === byPhone.get(n)?.id && a.digit !== null)
        .map((a) => a.digit)
        .join('');
      expect(pressed, n).toBe(parseLabNumber(n).keys);
    }

    const statuses = await t
      .db('survey_calls')
      .where({ campaign_id: campaignId })
      .select<{ call_id: string; status: string; answered: number }[]>('call_id', 'status', 'answered');
    const status = (n: string) => statuses.find((s) => s.call_id === byPhone.get(n)?.id);
    expect(status(presser)).toMatchObject({ status: 'completed', answered: 2 });
    expect(status(invalidFirst)).toMatchObject({ status: 'incomplete', answered: 1 });
    expect(status(silent)).toMatchObject({ status: 'incomplete', answered: 0 });
    expect(status(leaver)).toMatchObject({ status: 'hung-up', answered: 1 });
    expect(status(machine)).toMatchObject({ status: 'machine-message', answered: 0 });
    expect(status(busy)).toBeUndefined();

    // Every answered call is recorded from answer to hang-up and archived with its hash.
    const recordings = await t
      .db('recordings as r')
      .join('calls as c', 'c.id', 'r.call_id')
      .where('c.campaign_id', campaignId)
      .select<{ call_id: string; status: string; path: string; sha256: string; duration_sec: number }[]>(
        'r.call_id',
        'r.status',
        'r.path',
        'r.sha256',
        'r.duration_sec',
      );
    const answered = calls.filter((c) => c.answered_at);
    expect(recordings.map((r) => r.call_id).sort()).toEqual(answered.map((c) => c.id).sort());
    for (const r of recordings) {
      expect(r.status).toBe('archived');
      expect(existsSync(r.path)).toBe(true);
      expect(await sha256File(r.path)).toBe(r.sha256);
      const c = calls.find((x) => x.id === r.call_id);
      const callSec = ((c?.ended_at?.getTime() ?? 0) - (c?.answered_at?.getTime() ?? 0)) / 1000;
      // From answer to hang-up (a recording may start a few ms after the answer).
      expect(Number(r.duration_sec)).toBeGreaterThan(callSec - 1.5);
    }

    // The lead's next step: a completed survey is a contact (done); a person who did not finish
    // is tried again by the `partial` rule (24 h); the machine by its rule (4 h); busy in 10 min.
    const leads = await t
      .db('leads')
      .where({ campaign_id: campaignId })
      .select<
        { phone_e164: string; status: string; next_attempt_at: Date | null; last_contact_at: Date | null }[]
      >('phone_e164', 'status', 'next_attempt_at', 'last_contact_at');
    const lead = (n: string) => leads.find((l) => l.phone_e164 === n);
    expect(lead(presser)).toMatchObject({ status: 'done' });
    expect(lead(presser)?.last_contact_at).not.toBeNull();
    const hoursAhead = (n: string) => ((lead(n)?.next_attempt_at?.getTime() ?? 0) - Date.now()) / 3_600_000;
    for (const n of [invalidFirst, silent, leaver]) {
      expect(lead(n)?.status, n).toBe('scheduled');
      expect(hoursAhead(n)).toBeGreaterThan(23);
      expect(lead(n)?.last_contact_at).toBeNull();
    }
    expect(lead(machine)?.status).toBe('scheduled');
    expect(hoursAhead(machine)).toBeGreaterThan(3.9);

    // The report counts the same answers.
    const report = await surveyResults(app.db, campaignId);
    expect(report.calls).toMatchObject({ completed: 1, incomplete: 2, 'hung-up': 1, 'machine-message': 1 });
    const rating = report.questions.find((q) => q.question === 'rating');
    expect(rating).toMatchObject({ answered: 3, noValidAnswer: 1, mean: (4 + 3 + 4) / 3 });
    expect(rating?.answers).toEqual({ '3': 1, '4': 2 });

    // What the lab measured (printed for the report, not asserted): a key cutting a prompt
    // short (DTMF event → that sound reported finished, i.e. stopped), and the AMD verdicts.
    const bargeIn: number[] = [];
    for (const d of events) {
      if (d.type !== 'dtmf') continue;
      const next = events.find(
        (e) => e.type === 'playback-finished' && e.callId === d.callId && e.at >= d.at,
      );
      if (next && next.at - d.at < 500) bargeIn.push(next.at - d.at);
    }
    const amdMs = (c: CallRow | undefined) => (c?.amd_at?.getTime() ?? 0) - (c?.answered_at?.getTime() ?? 0);
    console.info(
      `[${kind}] key → prompt stopped: ${bargeIn.map((ms) => `${ms} ms`).join(', ')}; ` +
        `AMD human verdict after answer: ${calls
          .filter((c) => c.amd_result === 'human')
          .map((c) => amdMs(c))
          .join(', ')} ms; machine verdict after the beep: ${amdMs(byPhone.get(machine))} ms`,
    );
  });
});
