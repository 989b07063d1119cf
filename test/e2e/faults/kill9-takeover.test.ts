import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { labNumber } from '../../../src/lab/number-plan.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { disposeTakenCalls } from '../../support/fault-desk.js';
import { checkInvariants } from '../../support/invariants.js';
import { carrierLogOffset, labSettings } from '../../support/lab.js';
import { RawAri } from '../../support/raw-ari.js';
import { deleteRedisPrefix } from '../../support/redis-keys.js';
import { startWorker as startChild } from '../../support/child-worker.js';

const startWorker = (settings: object): Promise<ChildProcess> =>
  startChild('test/support/engine-worker.ts', settings);

/**
 * Two dialer processes on one campaign (one Redis, one Postgres, one Asterisk). The lease holder
 * is killed with SIGKILL mid-run: the other takes the lease, finishes the rows the dead one left
 * open, and dials the rest. No number is dialled twice (checked in SIPp's own log); every call
 * row gets an outcome; every answered call's recording reaches the archive, including those of
 * the calls the dead process was on (recovered from the PBX spool by the survivor).
 */
describe('two dialer processes, kill -9 of the lease holder', () => {
  let t: TestDb;
  let redis: Redis;
  const children: ChildProcess[] = [];
  const prefix = `failover-${Date.now().toString(36)}`;
  // The workers' archive: a temporary folder, never the checkout's recordings/.
  const recordingsRoot = mkdtempSync(join(tmpdir(), 'dialer-rec-'));
  const campaignId = 100_000 + Math.floor(Math.random() * 1e8);
  const numbers = Array.from({ length: 10 }, (_, i) => labNumber(9, 4, i, 296));
  let agentIds: number[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
    agentIds = (
      await t
        .db('agents')
        .insert([
          { username: 'agent5', display_name: 'A5', sip_endpoint: 'PJSIP/agent5' },
          { username: 'agent6', display_name: 'A6', sip_endpoint: 'PJSIP/agent6' },
        ])
        .returning<{ id: number }[]>('id')
    ).map((r) => r.id);
    await t.db('campaigns').insert({
      id: campaignId,
      code: 'failover',
      name: 'Fail-over e2e',
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
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 3_000));
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    // The killed process's agent leg has no owner left: hang it up.
    const ari = new RawAri(labSettings());
    const legs = await t.db('agent_sessions').whereNull('ended_at').pluck<string[]>('pbx_call_id');
    for (const leg of legs) await ari.request('DELETE', `/channels/${leg}`);
    await redis.quit();
    await deleteRedisPrefix(prefix);
    rmSync(recordingsRoot, { recursive: true, force: true });
    await t.drop();
  });

  it('the survivor takes over; nothing dialled twice, nothing left without an outcome', async () => {
    const lab = labSettings();
    const offset = carrierLogOffset(lab);
    const base = { dbUrl: t.url, prefix, campaignId, recordingsRoot };
    const a = await startWorker({
      ...base,
      name: 'w-a',
      agent: { id: agentIds[0], username: 'agent5', endpoint: 'PJSIP/agent5' },
    });
    children.push(a);
    const b = await startWorker({
      ...base,
      name: 'w-b',
      agent: { id: agentIds[1], username: 'agent6', endpoint: 'PJSIP/agent6' },
    });
    children.push(b);
    const leaseKey = `${prefix}:lease:campaign:${campaignId}`;
    const holderPid = async () => Number(/:(\d+)$/.exec((await redis.get(leaseKey)) ?? '')?.[1]);

    // Let the holder dial a few calls, then kill it without warning.
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const n = await t
        .db('calls')
        .where({ campaign_id: campaignId })
        .whereNotNull('originated_at')
        .count<{ n: number }[]>({ n: '*' });
      if (Number(n[0]?.n) >= 3) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const first = await holderPid();
    const victim = [a, b].find((c) => c.pid === first);
    expect(victim, 'one worker holds the lease').toBeDefined();
    victim?.kill('SIGKILL');

    const deadline = Date.now() + 120_000;
    let open = Infinity;
    while (Date.now() < deadline) {
      const leads = await t
        .db('leads')
        .where({ campaign_id: campaignId })
        .whereIn('status', ['new', 'scheduled', 'dialling'])
        .count<{ n: number }[]>({ n: '*' });
      const calls = await t
        .db('calls')
        .where({ campaign_id: campaignId })
        .whereNull('ended_at')
        .count<{ n: number }[]>({ n: '*' });
      open = Number(leads[0]?.n) + Number(calls[0]?.n);
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(open).toBe(0);
    expect(await holderPid()).not.toBe(first);

    const adopted = await t
      .db('calls')
      .where({ campaign_id: campaignId })
      .whereLike('failure', '%process was lost%')
      .count<{ n: number }[]>({ n: '*' });
    console.log(
      `fail-over: killed pid ${first}; the survivor finished ${Number(adopted[0]?.n)} orphaned call row(s)`,
    );
    const survivorAgent = victim === a ? agentIds[1] : agentIds[0];
    const taken: unknown = await t
      .db('calls')
      .where({ campaign_id: campaignId, agent_id: survivorAgent })
      .first();
    expect(taken, 'the survivor took calls').toBeDefined();
    // The agents dispose of their calls, the dead process's ones too (their desktops send them
    // to the survivor); then the suite's invariants, with a fresh lead the survivor must dial.
    const dispositions = await disposeTakenCalls(t.db, campaignId);
    const summary = await checkInvariants({
      db: t.db,
      campaignId,
      lab,
      carrierOffset: offset,
      dispositions,
      probe: { phone: labNumber(9, 4, 0, 295) },
    });
    const recovered = await t
      .db('calls as c')
      .join('recordings as r', 'r.call_id', 'c.id')
      .where('c.campaign_id', campaignId)
      .whereLike('c.failure', '%process was lost%')
      .where('r.status', 'archived')
      .count<{ n: number }[]>({ n: '*' });
    console.log(
      `fail-over: ${Number(recovered[0]?.n)} recording(s) of the dead process archived by the survivor;`,
      JSON.stringify(summary),
    );
  });
});
