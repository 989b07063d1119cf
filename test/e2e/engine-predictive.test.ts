import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import type { PbxDriver } from '../../src/pbx/pbx-driver.js';
import { sha256File } from '../../src/recordings/archiver.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { carrierLogOffset } from '../support/lab.js';
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

  it('sent each (lead, attempt) to the far end once', async () => {
    const rows = await t
      .db('calls')
      .where({ campaign_id: result.campaignId })
      .whereNotNull('originated_at')
      .select<{ phone_e164: string; attempt: number }[]>('phone_e164', 'attempt');
    const text = (await import('node:fs')).readFileSync(lab.settings().carrierMessages, 'utf8').slice(offset);
    for (const r of rows) {
      const invites = text.match(new RegExp(`^INVITE sip:(?:\\+|%2B)${r.phone_e164.slice(1)}@`, 'gm')) ?? [];
      const attempts = rows.filter((x) => x.phone_e164 === r.phone_e164).length;
      expect(invites.length, r.phone_e164).toBe(attempts);
    }
  });
});
