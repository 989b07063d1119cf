import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORPHAN_FAILURE } from '../../../src/engine/orphans.js';
import { labNumber } from '../../../src/lab/number-plan.js';
import type { Worker } from '../../support/child-worker.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import {
  countCalls,
  leaseIntervals,
  overlaps,
  seedLabCampaign,
  type LabCampaign,
} from '../../support/fault-campaign.js';
import { disposeTakenCalls } from '../../support/fault-desk.js';
import { FaultWorkers } from '../../support/fault-workers.js';
import { checkInvariants } from '../../support/invariants.js';
import { carrierLogOffset, labSettings } from '../../support/lab.js';
import { CuttableProxy } from '../../support/tcp-proxy.js';

const OUTAGE_MS = 30_000;
/** The campaign lease's time-to-live (src/composition/campaign-engines.ts). */
const LEASE_TTL_MS = 5_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Redis unreachable for 30 s for the lease holder, with two dialler processes on one campaign:
 * each reaches Redis through its own loopback proxy (the machine's Redis, which other tests use,
 * is never stopped), and the holder's is cut while its agent talks to a customer. The holder
 * stops originating once it cannot prove its lease (within one TTL); the other process takes the
 * lease when the key expires and dials on; the cut-off process keeps its live call (not hung up
 * by the new holder: its heartbeat in Postgres says it is alive) and stores its end. Back on
 * Redis it finds the lease taken and does not dial. The two never believe they hold the lease
 * at the same time (from each process's own log of lease changes).
 */
describe('fault: Redis unavailable for 30 s for the lease holder (two dialler processes)', () => {
  let t: TestDb;
  let redis: Redis;
  let c: LabCampaign;
  let workers: FaultWorkers;
  const proxies = [new CuttableProxy('127.0.0.1', 6379), new CuttableProxy('127.0.0.1', 6379)];
  // The first customer talks 20 s (its call is up at the cut and ends during it); the rest 3 s.
  const numbers = [
    labNumber(9, 20, 0, 292),
    ...Array.from({ length: 5 }, (_, i) => labNumber(9, 3, i + 1, 292)),
  ];

  beforeAll(async () => {
    t = await createTestDb();
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
    for (const p of proxies) await p.open(0);
    c = await seedLabCampaign(t.db, { code: 'redisout', numbers, agents: ['agent5', 'agent6'] });
    workers = new FaultWorkers(t.url, c.campaignId);
  });

  afterAll(async () => {
    for (const p of proxies) if (!p.isOpen) await p.open();
    await workers?.stopAll(t.db);
    for (const p of proxies) await p.cut();
    await redis.quit();
    await t.drop();
  });

  it('no originate without a proved lease, never two holders, the live call kept, dialling resumes', async () => {
    const lab = labSettings();
    const offset = carrierLogOffset(lab);
    const [agentA, agentB] = c.agents;
    if (!agentA || !agentB) throw new Error('two agents seeded');
    const url = (p: CuttableProxy) => `redis://127.0.0.1:${p.port}`;
    const a = await workers.start('r-a', agentA, { redisUrl: url(proxies[0] as CuttableProxy) });
    const owner = (w: Worker) => `@.*:${w.child.pid}$`;
    const leaseKey = `${workers.prefix}:lease:campaign:${c.campaignId}`;
    await expect.poll(async () => redis.get(leaseKey), { timeout: 20_000 }).toMatch(new RegExp(owner(a)));
    const b = await workers.start('r-b', agentB, { redisUrl: url(proxies[1] as CuttableProxy) });

    // Cut the holder off Redis while its agent talks to the first customer.
    const bridged = () =>
      t
        .db('calls')
        .where({ campaign_id: c.campaignId })
        .whereNotNull('bridged_at')
        .whereNull('ended_at')
        .pluck<string[]>('id');
    await expect.poll(async () => (await bridged()).length, { timeout: 60_000, interval: 200 }).toBe(1);
    const live = await bridged();
    const cutAt = Date.now();
    await proxies[0]?.cut();
    await sleep(OUTAGE_MS);
    const reopenAt = Date.now();
    await proxies[0]?.open();

    // A: nothing reserved (the step right before an originate) after it lost the lease.
    const [aHeld] = leaseIntervals(a.logged(/campaign lease/));
    const aLostAt = aHeld?.[1] ?? 0;
    expect(aLostAt - cutAt, 'A stopped believing in its lease within one TTL of the cut').toBeLessThanOrEqual(
      LEASE_TTL_MS,
    );
    const aLate = await t
      .db('calls')
      .where({ campaign_id: c.campaignId })
      .whereLike('owner', `r-a@%:${a.child.pid}`)
      .andWhere('reserved_at', '>', new Date(aLostAt + 1_000))
      .pluck<string[]>('id');
    expect(aLate, 'calls A reserved after its lease lapsed').toEqual([]);
    // B took over during the outage and dialled.
    const bCalls = await countCalls(t.db, c.campaignId, (q) =>
      q.whereLike('owner', `r-b@%:${b.child.pid}`).andWhere('reserved_at', '<', new Date(reopenAt)),
    );
    expect(bCalls, 'B dialled during the outage').toBeGreaterThan(0);

    // A's live call was A's to finish: not hung up as an orphan by B.
    await expect
      .poll(async () => (await bridged()).filter((id) => live.includes(id)), { timeout: 30_000 })
      .toEqual([]);
    const ended = await t.db('calls').whereIn('id', live).select('id', 'outcome', 'failure', 'owner');
    expect(ended.filter((r: { failure: string | null }) => r.failure === ORPHAN_FAILURE)).toEqual([]);

    const dispositions = await disposeTakenCalls(t.db, c.campaignId);
    const summary = await checkInvariants({
      db: t.db,
      campaignId: c.campaignId,
      lab,
      carrierOffset: offset,
      dispositions,
      probe: { phone: labNumber(9, 3, 9, 292) },
    });
    const ia = leaseIntervals(a.logged(/campaign lease/));
    const ib = leaseIntervals(b.logged(/campaign lease/));
    expect(overlaps(ia, ib), 'times both processes believed they held the lease').toEqual([]);
    console.log(
      `redis outage: A held ${JSON.stringify(ia)}, B held ${JSON.stringify(ib)} (cut ${cutAt}, reopen ${reopenAt});`,
      `A's live call: ${JSON.stringify(ended)};`,
      JSON.stringify(summary),
    );
  });
});
