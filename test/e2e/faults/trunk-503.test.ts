import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import type { EngineRegistry } from '../../../src/engine/registry.js';
import { labNumber } from '../../../src/lab/number-plan.js';
import { AriDriver } from '../../../src/pbx/asterisk/ari/ari-driver.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { engineTestApp } from '../../support/engine-app.js';
import { seedLabCampaign } from '../../support/fault-campaign.js';
import { disposeTakenCalls } from '../../support/fault-desk.js';
import { checkInvariants } from '../../support/invariants.js';
import { carrierLogOffset, labSettings } from '../../support/lab.js';

/** Short pauses so the scenario sees two of them (the defaults are 5 failures, 10 s → 300 s). */
const BACKOFF = { failuresToPause: 3, firstPauseSec: 3, maxPauseSec: 30 };

/**
 * The lab carrier answers 503 to every number of this campaign (lab number plan, behaviour 3):
 * after three failures in a row the engine pauses the trunk (no originate for 3 s), then one
 * test call; it fails, so the next pause is 6 s. The doctor says in plain words that the trunk
 * is refusing calls and when it tries again; /metrics has the trunk paused. A good number added
 * afterwards is dialled by the next test call, which ends the back-off; then the invariants.
 */
describe('fault: a trunk returning 503 to everything', () => {
  let t: TestDb;
  let app: App;
  let registry: EngineRegistry;
  let campaignId = 0;
  const lab = labSettings();
  const numbers = Array.from({ length: 5 }, (_, i) => labNumber(3, 0, i, 291));

  beforeAll(async () => {
    t = await createTestDb();
    const base = loadConfig({ env: {}, file: undefined, cwd: process.cwd() });
    const made = engineTestApp(t, 'trunk503', {
      config: { trunks: base.trunks.map((tr) => ({ ...tr, backoff: BACKOFF })) },
      driver: (logger) => new AriDriver({ ...lab.ari, app: `e2e-503-${process.pid}` }, logger),
    });
    app = made.app;
    await made.pbx();
    ({ campaignId } = await seedLabCampaign(t.db, { code: 'trunk503', numbers, agents: ['agent11'] }));
    registry = app.engines();
  });

  afterAll(async () => {
    await registry?.stopAll(5_000);
    await app?.close();
    await t?.drop();
  });

  const ends = () =>
    t
      .db('calls')
      .where({ campaign_id: campaignId })
      .orderBy('reserved_at')
      .select<{ reserved_at: Date; ended_at: Date | null; outcome: string | null }[]>(
        'reserved_at',
        'ended_at',
        'outcome',
      );

  it('backs off (3 s, then 6 s), the doctor says why, a routed call ends it; invariants hold', async () => {
    const offset = carrierLogOffset(lab);
    const engine = await registry.start(campaignId);
    await registry.login('agent11', campaignId);
    await expect.poll(() => engine.trunk.backoff(), { timeout: 30_000, interval: 100 }).toBeDefined();
    const doctor = await registry.diagnose(campaignId);
    const said = doctor.problems.join('\n');
    expect(said).toMatch(/trunk lab-carrier is refusing calls: the last 3 failed in a row with congestion/);
    expect(said).toMatch(/one test call at/);
    expect(await app.metrics.registry.getSingleMetricAsString('dialer_trunk_paused')).toMatch(
      /dialer_trunk_paused\{trunk="lab-carrier"\} 1/,
    );

    await expect
      .poll(async () => (await ends()).filter((r) => r.ended_at).length, { timeout: 40_000, interval: 250 })
      .toBe(numbers.length);
    const rows = await ends();
    expect(rows.map((r) => r.outcome)).toEqual(numbers.map(() => 'congestion'));
    // No originate during a pause: the 4th starts ≥ 3 s after the 3rd ended, the 5th ≥ 6 s after the 4th.
    const gap = (i: number) =>
      (rows[i]?.reserved_at.getTime() ?? 0) - (rows[i - 1]?.ended_at?.getTime() ?? 0);
    const gaps = [1, 2, 3, 4].map(gap);
    console.log(`trunk 503: ms from each call's end to the next call's reservation: ${JSON.stringify(gaps)}`);
    expect(gaps[2]).toBeGreaterThanOrEqual(3_000);
    expect(gaps[3]).toBeGreaterThanOrEqual(6_000);

    // The trunk comes back: the next test call dials a good number, which ends the back-off.
    const summary = await checkInvariants({
      db: t.db,
      campaignId,
      lab,
      carrierOffset: offset,
      dispositions: await disposeTakenCalls(t.db, campaignId),
      probe: { phone: labNumber(9, 3, 0, 291) },
    });
    expect(engine.trunk.backoff()).toBeUndefined();
    const after = await registry.diagnose(campaignId);
    expect(after.problems.join('\n')).not.toMatch(/refusing calls/);
    console.log('trunk 503 invariants:', JSON.stringify(summary));
  });
});
