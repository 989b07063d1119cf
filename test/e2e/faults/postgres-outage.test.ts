import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import type { EngineRegistry } from '../../../src/engine/registry.js';
import { labNumber } from '../../../src/lab/number-plan.js';
import { AriDriver } from '../../../src/pbx/asterisk/ari/ari-driver.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { engineTestApp } from '../../support/engine-app.js';
import { disposeTakenCalls } from '../../support/fault-desk.js';
import { checkInvariants } from '../../support/invariants.js';
import { carrierLogOffset, dialogsAtCarrier, labSettings } from '../../support/lab.js';
import { CuttableProxy } from '../../support/tcp-proxy.js';
import { assignAllAgents } from '../../support/accounts.js';

const OUTAGE_MS = 30_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Postgres unreachable for 30 s under a running progressive campaign, for this engine alone:
 * it reaches Postgres through a loopback proxy the test cuts (the machine's Postgres, which
 * other engineers use, is never touched). Calls up at the cut go on and end during the outage;
 * their ends are stored when Postgres is back; nothing is dialled the gate could not check; an
 * agent's disposition sent during the outage is kept (stored when Postgres is back, or refused
 * so that it is sent again — never accepted and dropped).
 */
describe('fault: Postgres unavailable for 30 s mid-campaign', () => {
  let t: TestDb;
  let app: App;
  let pbx: AriDriver;
  let registry: EngineRegistry;
  const lab = labSettings();
  const proxy = new CuttableProxy('127.0.0.1', 5432);
  const campaignId = 100_000 + Math.floor(Math.random() * 1e8);
  // Customers who talk 20 s: the calls up at the cut end while Postgres is away.
  const numbers = Array.from({ length: 6 }, (_, i) => labNumber(9, 20, i, 293));
  const agents = ['agent9', 'agent10'];

  beforeAll(async () => {
    t = await createTestDb();
    await proxy.open(0);
    const url = new URL(t.url);
    url.port = String(proxy.port);
    const made = engineTestApp({ url: url.toString() }, 'pgout', {
      driver: (logger) => new AriDriver({ ...lab.ari, app: `e2e-pgout-${process.pid}` }, logger),
    });
    app = made.app;
    pbx = await made.pbx();
    await t
      .db('agents')
      .insert(agents.map((u) => ({ username: u, display_name: u, sip_endpoint: `PJSIP/${u}` })));
    await t.db('campaigns').insert({
      id: campaignId,
      code: 'pgout',
      name: 'Postgres outage',
      status: 'active',
      purpose: 'care',
      dial_mode: 'progressive',
      trunk: 'lab-carrier',
      max_attempts: 1,
      settings: {
        engine: { ringTimeoutSec: 15, wrapUpSec: 1, amd: false },
        window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
      },
    });
    await t
      .db('leads')
      .insert(numbers.map((phone) => ({ campaign_id: campaignId, phone_e164: phone, timezone: 'UTC' })));
    registry = app.engines();
  });

  afterAll(async () => {
    if (!proxy.isOpen) await proxy.open();
    await registry?.stopAll(5_000);
    await app?.close();
    await proxy.cut();
    await t?.drop();
  });

  it('live calls go on, their ends are kept, the gate fails closed, dialling resumes', async () => {
    const offset = carrierLogOffset(lab);
    await registry.start(campaignId);
    await assignAllAgents(t.db, campaignId);
    for (const a of agents) await registry.login(a, campaignId);
    const bridged = () =>
      t
        .db('calls')
        .where({ campaign_id: campaignId })
        .whereNotNull('bridged_at')
        .whereNull('ended_at')
        .pluck<string[]>('id');
    await expect
      .poll(async () => (await bridged()).length, { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(0);
    const live = await bridged();

    const cutAt = new Date();
    const cutOffset = carrierLogOffset(lab);
    await proxy.cut();
    await sleep(2_000);
    // The calls go on at the PBX while the engine cannot write.
    const up = new Set((await pbx.listCalls()).map((c) => c.callId));
    expect(
      live.filter((id) => !up.has(id)),
      'calls up at the cut still up 2 s later',
    ).toEqual([]);
    // An agent disposes of a call while Postgres is away: the request waits or fails, and is
    // kept either way (accepted once Postgres is back, or refused so the desktop sends it again).
    const row = await t
      .db('calls as c')
      .join('agents as a', 'a.id', 'c.agent_id')
      .where('c.id', live[0])
      .first<{ username: string } | undefined>('a.username');
    const username = String(row?.username);
    const during = registry.dispose(username, live[0] ?? '', { code: 'not-interested' }).then(
      (r) => ({ id: r.id, error: undefined }),
      (err: unknown) => ({ id: undefined, error: String(err) }),
    );
    await sleep(OUTAGE_MS - 2_000);
    const dialledDuring = dialogsAtCarrier(lab, cutOffset);
    await proxy.open();

    // Nothing was dialled during the outage that had not been checked (and reserved) before it.
    const reservedBefore = new Set(
      await t
        .db('calls')
        .where({ campaign_id: campaignId })
        .andWhere('reserved_at', '<', cutAt)
        .pluck<string[]>('phone_e164'),
    );
    const unchecked = [...dialledDuring.keys()].filter((p) => numbers.includes(p) && !reservedBefore.has(p));
    expect(unchecked, 'numbers dialled while the gate could not be asked').toEqual([]);

    await expect
      .poll(async () => (await bridged()).filter((id) => live.includes(id)), { timeout: 30_000 })
      .toEqual([]);
    const sent = await during;
    console.log(`postgres outage: the disposition sent during the outage: ${JSON.stringify(sent)}`);
    const dispositions = await disposeTakenCalls(app.db, campaignId);
    if (sent.id !== undefined)
      dispositions.push({ id: sent.id, callId: live[0] ?? '', code: 'not-interested' });
    const summary = await checkInvariants({
      db: t.db,
      campaignId,
      lab,
      carrierOffset: offset,
      dispositions,
      probe: { phone: labNumber(9, 4, 2, 295) },
    });
    const ends = await t.db('calls').whereIn('id', live).select('id', 'outcome', 'ended_at', 'failure');
    console.log(`postgres outage: calls up at the cut: ${JSON.stringify(ends)}`);
    console.log('postgres outage invariants:', JSON.stringify(summary));
  });
});
