import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORPHAN_FAILURE } from '../../../src/engine/orphans.js';
import { labNumber } from '../../../src/lab/number-plan.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { countCalls, seedLabCampaign, type LabCampaign } from '../../support/fault-campaign.js';
import { disposeTakenCalls } from '../../support/fault-desk.js';
import { FaultWorkers } from '../../support/fault-workers.js';
import { checkInvariants } from '../../support/invariants.js';
import { carrierLogOffset, labSettings } from '../../support/lab.js';

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
  let c: LabCampaign;
  let workers: FaultWorkers;

  beforeAll(async () => {
    t = await createTestDb();
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
    c = await seedLabCampaign(t.db, {
      code: 'failover',
      numbers: Array.from({ length: 10 }, (_, i) => labNumber(9, 4, i, 296)),
      agents: ['agent5', 'agent6'],
    });
    workers = new FaultWorkers(t.url, c.campaignId);
  });

  afterAll(async () => {
    await workers?.stopAll(t.db);
    await redis.quit();
    await t.drop();
  });

  it('the survivor takes over; nothing dialled twice, nothing left without an outcome', async () => {
    const lab = labSettings();
    const offset = carrierLogOffset(lab);
    const [agentA, agentB] = c.agents;
    if (!agentA || !agentB) throw new Error('two agents seeded');
    const a = await workers.start('w-a', agentA);
    const b = await workers.start('w-b', agentB);
    const leaseKey = `${workers.prefix}:lease:campaign:${c.campaignId}`;
    const holderPid = async () => Number(/:(\d+)$/.exec((await redis.get(leaseKey)) ?? '')?.[1]);

    // Let the holder dial a few calls, then kill it without warning.
    await expect
      .poll(() => countCalls(t.db, c.campaignId, (q) => q.whereNotNull('originated_at')), {
        timeout: 60_000,
        interval: 500,
      })
      .toBeGreaterThanOrEqual(3);
    const first = await holderPid();
    const victim = [a, b].find((w) => w.child.pid === first);
    expect(victim, 'one worker holds the lease').toBeDefined();
    victim?.child.kill('SIGKILL');

    await expect
      .poll(
        async () => {
          const leads = await t
            .db('leads')
            .where({ campaign_id: c.campaignId })
            .whereIn('status', ['new', 'scheduled', 'dialling'])
            .count<{ n: number }[]>({ n: '*' });
          return Number(leads[0]?.n) + (await countCalls(t.db, c.campaignId, (q) => q.whereNull('ended_at')));
        },
        { timeout: 120_000, interval: 1_000 },
      )
      .toBe(0);
    expect(await holderPid()).not.toBe(first);

    const adopted = await countCalls(t.db, c.campaignId, (q) => q.where('failure', ORPHAN_FAILURE));
    console.log(`fail-over: killed pid ${first}; the survivor finished ${adopted} orphaned call row(s)`);
    const survivorAgent = victim === a ? agentB.id : agentA.id;
    const taken = await countCalls(t.db, c.campaignId, (q) => q.where({ agent_id: survivorAgent }));
    expect(taken, 'the survivor took calls').toBeGreaterThan(0);
    // The agents dispose of their calls, the dead process's ones too (their desktops send them
    // to the survivor); then the suite's invariants, with a fresh lead the survivor must dial.
    const dispositions = await disposeTakenCalls(t.db, c.campaignId);
    const summary = await checkInvariants({
      db: t.db,
      campaignId: c.campaignId,
      lab,
      carrierOffset: offset,
      dispositions,
      probe: { phone: labNumber(9, 4, 0, 295) },
    });
    const recovered = await t
      .db('calls as c')
      .join('recordings as r', 'r.call_id', 'c.id')
      .where('c.campaign_id', c.campaignId)
      .where('c.failure', ORPHAN_FAILURE)
      .where('r.status', 'archived')
      .count<{ n: number }[]>({ n: '*' });
    console.log(
      `fail-over: ${Number(recovered[0]?.n)} recording(s) of the dead process archived by the survivor;`,
      JSON.stringify(summary),
    );
  });
});
