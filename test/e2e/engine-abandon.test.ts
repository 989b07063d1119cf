import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { CampaignEngine } from '../../src/engine/campaign-engine.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { FixedRatioPacer } from '../../src/pacing/simple-pacers.js';
import type { PbxDriver } from '../../src/pbx/pbx-driver.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { labPbxs } from '../support/lab-pbx.js';

interface Row {
  phone_e164: string;
  answered_at: Date | null;
  amd_at: Date | null;
  bridged_at: Date | null;
  id_message_at: Date | null;
  abandoned: boolean;
  agent_id: number | null;
  outcome: string | null;
}

/**
 * The abandon path on the real lab: one agent, three humans dialled at once (a deliberately
 * reckless 3:1 ratio). One reaches the agent; the others must hear the identification message
 * within 2 s of answering and be counted as abandoned. Once per PBX of the lab.
 */
describe.each(labPbxs())('engine abandon path, on the lab $name', (lab) => {
  if (lab.skip !== undefined) return void it.skip(lab.skip, () => undefined);
  let t: TestDb;
  let app: App;
  let pbx: PbxDriver;
  let engine: CampaignEngine;
  let campaignId = 0;
  const humans = [labNumber(9, 20, 1, 297), labNumber(9, 20, 2, 297), labNumber(9, 20, 3, 297)];

  beforeAll(async () => {
    t = await createTestDb();
    const made = engineTestApp(t, `abandon-${lab.name}`, {
      driver: (logger) => lab.driver(logger, 'abandon'),
      config: lab.config(),
    });
    app = made.app;
    pbx = await made.pbx();
    const [agent] = await t
      .db('agents')
      .insert({ username: 'agent3', display_name: 'A3', sip_endpoint: lab.agent(3) })
      .returning<{ id: number }[]>('id');
    const [c] = await t
      .db('campaigns')
      .insert({
        id: 100_000 + Math.floor(Math.random() * 1e8),
        code: 'abandon',
        name: 'Abandon e2e',
        status: 'active',
        purpose: 'care',
        dial_mode: 'predictive',
        trunk: 'lab-carrier',
        max_attempts: 1,
        settings: {
          engine: { ringTimeoutSec: 15, wrapUpSec: 30, amd: false, idMessageSec: 9 },
          window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
        },
      })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
    await t
      .db('leads')
      .insert(humans.map((phone) => ({ campaign_id: campaignId, phone_e164: phone, timezone: 'UTC' })));
    engine = await app.engines().start(campaignId, { pacer: new FixedRatioPacer(3) });
    await engine.agents.login({ id: agent?.id ?? 0, username: 'agent3', endpoint: lab.agent(3) });
  });

  afterAll(async () => {
    await engine?.stop(5_000);
    await pbx?.close();
    await app?.close();
    await t?.drop();
  });

  it('connects one, plays the identification message to the others within 2 s, and counts them', async () => {
    const deadline = Date.now() + 60_000;
    let rows: Row[] = [];
    while (Date.now() < deadline) {
      rows = await t.db('calls').where({ campaign_id: campaignId }).select<Row[]>('*');
      if (rows.length === 3 && rows.every((r) => r.outcome !== null)) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(rows).toHaveLength(3);
    const bridged = rows.filter((r) => r.bridged_at);
    const abandoned = rows.filter((r) => r.abandoned);
    expect(bridged).toHaveLength(1);
    expect(abandoned).toHaveLength(2);
    for (const r of abandoned) {
      expect(r.agent_id).toBeNull();
      expect(r.id_message_at, r.phone_e164).not.toBeNull();
      const waited = (r.id_message_at?.getTime() ?? 0) - (r.answered_at?.getTime() ?? 0);
      // The connect window is 2 s; the message starts as soon as it closes.
      expect(waited).toBeGreaterThanOrEqual(1_900);
      expect(waited).toBeLessThan(2_500);
    }
    // The recording of an abandoned call holds the message the customer heard.
    const recs = await t
      .db('recordings')
      .whereIn('call_id', t.db('calls').where({ campaign_id: campaignId, abandoned: true }).select('id'))
      .select<{ status: string; duration_sec: number }[]>('status', 'duration_sec');
    expect(recs).toHaveLength(2);
    for (const r of recs) {
      expect(r.status).toBe('archived');
      expect(Number(r.duration_sec)).toBeGreaterThan(8);
    }
    expect(engine.runner.stats.abandoned).toBe(2);
    expect(engine.runner.ledger.window(Date.now() / 1000, 3600)).toEqual({ humans: 3, abandons: 2 });
  });
});
