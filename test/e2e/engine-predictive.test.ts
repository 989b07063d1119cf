import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { formatSummary, runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import type { PbxDriver } from '../../src/pbx/pbx-driver.js';
import { sha256File } from '../../src/recordings/archiver.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { carrierLogOffset, dialogsAtCarrier } from '../support/lab.js';
import { labPbxs } from '../support/lab-pbx.js';

/**
 * Predictive mode on the lab with the demo's realistic lead mix (humans, machines, busy,
 * no-answer, invalid…): every originate has exactly one call row with an outcome, every answered
 * call a verified recording, and no number reaches the far end twice for one attempt. Once per
 * PBX of the lab.
 */
describe.each(labPbxs())('engine, predictive, on the lab $name', (lab) => {
  if (lab.skip !== undefined) return void it.skip(lab.skip, () => undefined);
  let t: TestDb;
  let app: App;
  let pbx: PbxDriver;
  let result: DemoResult;
  let offset = 0;

  beforeAll(async () => {
    t = await createTestDb();
    const made = engineTestApp(t, `predictive-${lab.name}`, {
      driver: (logger) => lab.driver(logger, 'pred'),
      config: lab.config(),
    });
    app = made.app;
    pbx = await made.pbx();
    offset = carrierLogOffset(lab.settings());
    result = await runDemo(app, {
      agents: 3,
      leads: 40,
      seconds: 45,
      mode: 'predictive',
      seed: 7,
      agentEndpoint: (i) => lab.agent(i),
    });
  }, 180_000);

  afterAll(async () => {
    await pbx?.close();
    await app?.close();
    await t?.drop();
  });

  it('accounts for every attempt and records every answered call', async () => {
    const s = result.summary;
    expect(s.dials).toBeGreaterThan(10);
    expect(s.attemptsWithTwoRows).toBe(0);
    expect(s.originatesWithoutOutcome).toBe(0);
    expect(s.bridged).toBeGreaterThan(0);
    const answered = await t
      .db('calls')
      .where({ campaign_id: result.campaignId })
      .whereNotNull('answered_at')
      .pluck<string[]>('id');
    const recs = await t
      .db('recordings')
      .whereIn('call_id', answered)
      .select<{ call_id: string; status: string; path: string; sha256: string }[]>(
        'call_id',
        'status',
        'path',
        'sha256',
      );
    expect(recs.map((r) => r.call_id).sort()).toEqual([...answered].sort());
    for (const r of recs) {
      expect(r.status, r.call_id).toBe('archived');
      expect(await sha256File(r.path)).toBe(r.sha256);
    }
  });

  it("reports the customer's wait from the answer beside the engine's share, and completes the campaign", async () => {
    const s = result.summary;
    const rows = await t
      .db('calls')
      .where({ campaign_id: result.campaignId })
      .whereNotNull('bridged_at')
      .select<{ answered_at: Date; amd_at: Date | null; bridged_at: Date }[]>(
        'answered_at',
        'amd_at',
        'bridged_at',
      );
    const fromAnswer = rows.map((r) => r.bridged_at.getTime() - r.answered_at.getTime());
    expect(s.answerToAgentMs.max).toBe(Math.max(...fromAnswer));
    // AMD listens after the answer: the customer waits at least the engine's share, per call.
    expect(s.answerToAgentMs.p50).toBeGreaterThanOrEqual(s.verdictToAgentMs.p50 ?? Infinity);
    const text = formatSummary(result, '/rec');
    expect(text).toMatch(/customer's wait, answer → agent: +p50 [\d,]+ ms, p99 [\d,]+ ms, max [\d,]+ ms/);
    expect(text).toMatch(/engine's share, AMD verdict → agent: +p50 [\d,]+ ms/);
    expect(
      (await t.db('campaigns').where({ id: result.campaignId }).first<{ status: string }>())?.status,
    ).toBe('completed');
  });

  it("GET /metrics' numbers are the database's", async () => {
    const text = await app.metrics.registry.metrics();
    const code = (await t.db('campaigns').where({ id: result.campaignId }).first<{ code: string }>())?.code;
    const value = (name: string, labels: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${name}{`) && l.includes(`campaign="${code}"`) && l.includes(labels))
          ?.split(' ')
          .at(-1) ?? 0,
      );
    const byOutcome = await t
      .db('calls')
      .where({ campaign_id: result.campaignId })
      .whereNotNull('outcome')
      .groupBy('outcome')
      .select<{ outcome: string; n: number }[]>('outcome', t.db.raw('count(*)::int as n'));
    expect(byOutcome.length).toBeGreaterThan(1);
    for (const r of byOutcome)
      expect(value('dialer_calls_ended_total', `outcome="${r.outcome}"`), r.outcome).toBe(r.n);
    const abandoned = await t
      .db('calls')
      .where({ campaign_id: result.campaignId, abandoned: true })
      .count<{ n: number }[]>({ n: '*' });
    expect(value('dialer_abandoned_total', '')).toBe(Number(abandoned[0]?.n));
    const archived = await t
      .db('recordings as r')
      .join('calls as c', 'c.id', 'r.call_id')
      .where({ 'c.campaign_id': result.campaignId, 'r.status': 'archived' })
      .count<{ n: number }[]>({ n: '*' });
    expect(value('dialer_recordings_total', 'result="archived"')).toBe(Number(archived[0]?.n));
    expect(value('dialer_connect_seconds_count', '')).toBe(result.summary.bridged);
  });

  it('sent each (lead, attempt) to the far end once', async () => {
    const rows = await t
      .db('calls')
      .where({ campaign_id: result.campaignId })
      .whereNotNull('originated_at')
      .select<{ phone_e164: string; attempt: number }[]>('phone_e164', 'attempt');
    // Distinct dialogs (Call-IDs): a loaded PBX retransmits an unanswered INVITE over UDP, and
    // the carrier logs every copy; one dialog is one dial.
    const dialogs = dialogsAtCarrier(lab.settings(), offset);
    for (const r of rows) {
      const attempts = rows.filter((x) => x.phone_e164 === r.phone_e164).length;
      expect(dialogs.get(r.phone_e164)?.size ?? 0, r.phone_e164).toBe(attempts);
    }
  });
});
