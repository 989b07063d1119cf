import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { RunnerStats } from '../../src/engine/campaign-runner.js';
import type { EngineRegistry } from '../../src/engine/registry.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { carrierLogOffset, labSettings, numbersInvitedAtCarrier } from '../support/lab.js';
import { assignAllAgents } from '../support/accounts.js';

const AGENTS = 3;
const DIAL_SECONDS = 40;

/**
 * Predictive dialling on the lab from the first second: the campaign has a day of history
 * (yesterday's calls), the engine replays it into the pacer at start, so the pacer skips its
 * progressive warm-up and dials more lines than there are agents — within the trunk's limits,
 * with every attempt accounted for and every abandon given the identification message.
 */
describe('engine, predictive from a warm start, on the lab', () => {
  let t: TestDb;
  let app: App;
  let pbx: AriDriver;
  let registry: EngineRegistry;
  const campaignId = 100_000 + Math.floor(Math.random() * 1e8);
  const numbers: string[] = [];
  let offset = 0;
  let stats: RunnerStats | undefined;
  const decisions: string[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    const made = engineTestApp(t, 'pred-warm', {
      driver: (logger) => new AriDriver({ ...labSettings().ari, app: `e2e-predwarm-${process.pid}` }, logger),
    });
    app = made.app;
    pbx = await made.pbx();
    for (let i = 1; i <= AGENTS; i++) {
      await t
        .db('agents')
        .insert({ username: `agent${i + 6}`, display_name: `A${i}`, sip_endpoint: `PJSIP/agent${i + 6}` });
    }
    await t.db('campaigns').insert({
      id: campaignId,
      code: 'pred-warm',
      name: 'Predictive warm e2e',
      status: 'active',
      purpose: 'care',
      dial_mode: 'predictive',
      trunk: 'lab-carrier',
      max_attempts: 1,
      settings: {
        engine: { ringTimeoutSec: 15, wrapUpSec: 1, amd: false },
        window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
      },
    });
    await seedYesterday(t, campaignId);
    // Today's list: 40% humans who talk 5–9 s, the rest busy or unanswered (as yesterday).
    for (let i = 0; i < 90; i++) {
      const area = 400 + Math.floor(i / 10);
      const kind = i % 5;
      const n =
        kind < 2
          ? labNumber(0, 5 + (i % 5), i % 10, area)
          : kind < 4
            ? labNumber(2, 0, i % 10, area)
            : labNumber(1, 0, i % 10, area);
      numbers.push(n);
    }
    await t
      .db('leads')
      .insert(numbers.map((phone) => ({ campaign_id: campaignId, phone_e164: phone, timezone: 'UTC' })));
    offset = carrierLogOffset(labSettings());
    registry = app.engines();
    const engine = await registry.start(campaignId);
    await assignAllAgents(t.db, campaignId);
    await Promise.all(Array.from({ length: AGENTS }, (_, i) => registry.login(`agent${i + 7}`, campaignId)));
    const until = Date.now() + DIAL_SECONDS * 1000;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      const d = engine.runner.stats.lastDecision;
      if (d && decisions.at(-1) !== `${d.at} ${d.reason}`) decisions.push(`${d.at} ${d.reason}`);
    }
    stats = structuredClone(engine.runner.stats);
    console.log('predictive warm start:', JSON.stringify({ ...stats, connectMs: undefined }));
    await registry.stopAll(30_000);
  }, 180_000);

  afterAll(async () => {
    await registry?.stopAll(5_000);
    await pbx?.close();
    await app?.close();
    await t?.drop();
  });

  it('over-dials from the start: more calls in flight than agents, decided by the forecast', () => {
    expect(stats?.maxInFlight ?? 0).toBeGreaterThan(AGENTS);
    // Never the warm-up fallback: the history replay gave the pacer its estimates.
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions.filter((d) => /warming up/.test(d))).toEqual([]);
    expect(
      decisions.some((d) => /P\(no agent|line cap/.test(d)),
      decisions.join('\n'),
    ).toBe(true);
  });

  it('every originate has one call row with an outcome; each number reached the far end once', async () => {
    const today = await t
      .db('calls')
      .where({ campaign_id: campaignId })
      .andWhere('reserved_at', '>', new Date(Date.now() - 3_600_000))
      .select<
        {
          id: string;
          phone_e164: string;
          outcome: string | null;
          originated_at: Date | null;
          abandoned: boolean;
          id_message_at: Date | null;
          answered_at: Date | null;
          bridged_at: Date | null;
        }[]
      >('*');
    expect(today.length).toBeGreaterThan(AGENTS * 3);
    for (const c of today) expect(c.outcome, c.id).not.toBeNull();
    const invited = numbersInvitedAtCarrier(labSettings(), offset);
    for (const c of today.filter((x) => x.originated_at))
      expect(invited.has(c.phone_e164), c.phone_e164).toBe(true);
    const text = (await import('node:fs')).readFileSync(labSettings().carrierMessages, 'utf8').slice(offset);
    for (const n of numbers) {
      const invites = text.match(new RegExp(`^INVITE sip:(?:\\+|%2B)${n.slice(1)}@`, 'gm')) ?? [];
      expect(invites.length, n).toBeLessThanOrEqual(1);
    }
    // Every abandoned live answer heard the identification message; the others reached an agent.
    for (const c of today.filter((x) => x.answered_at)) {
      if (c.abandoned) expect(c.id_message_at, c.id).not.toBeNull();
      else expect(c.bridged_at, c.id).not.toBeNull();
    }
  });
});

/** 300 of yesterday's calls: 40% live answers bridged and talking ~7 s, the rest busy or unanswered. */
async function seedYesterday(t: TestDb, campaignId: number): Promise<void> {
  const start = Date.now() - 86_400_000;
  const leads = await t
    .db('leads')
    .insert(
      Array.from({ length: 300 }, (_, i) => ({
        campaign_id: campaignId,
        phone_e164: `+1666555${String(i).padStart(4, '0')}`,
        timezone: 'UTC',
        status: 'done',
        attempts: 1,
      })),
    )
    .returning<{ id: number; phone_e164: string }[]>(['id', 'phone_e164']);
  const at = (ms: number) => new Date(start + ms);
  const calls = leads.map((l, i) => {
    const t0 = i * 4_000;
    const kind = i % 5;
    const base = {
      id: `hist-${campaignId}-${l.id}`,
      campaign_id: campaignId,
      lead_id: l.id,
      attempt: 1,
      phone_e164: l.phone_e164,
      reserved_at: at(t0),
      originated_at: at(t0),
    };
    if (kind < 2)
      return {
        ...base,
        answered_at: at(t0 + 1_100),
        bridged_at: at(t0 + 1_110),
        ended_at: at(t0 + 8_100),
        outcome: 'answered',
      };
    if (kind < 4) return { ...base, ended_at: at(t0 + 15_000), outcome: 'no-answer' };
    return { ...base, ended_at: at(t0 + 30), outcome: 'busy' };
  });
  await t.db.batchInsert('calls', calls, 100);
}
