import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOST_SESSION } from '../../../src/engine/agent-pool.js';
import { ORPHAN_FAILURE } from '../../../src/engine/orphans.js';
import { labNumber } from '../../../src/lab/number-plan.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { countCalls, seedLabCampaign, type LabCampaign } from '../../support/fault-campaign.js';
import { disposeTakenCalls } from '../../support/fault-desk.js';
import { FaultWorkers } from '../../support/fault-workers.js';
import { checkInvariants } from '../../support/invariants.js';
import { carrierLogOffset, labSettings } from '../../support/lab.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function exited(c: ChildProcess): Promise<{ code: number | null; signal: string | null; at: number }> {
  return new Promise((resolve) =>
    c.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
}

/**
 * A lone dialler process stopped three ways with its agent on a call, each on its own campaign
 * (the first customer talks `talkSec`, the others 3 s), each ending with a fresh process and the
 * suite's invariants:
 * - SIGTERM once: it stops taking leads, lets the live call finish, writes everything, exits 0;
 * - SIGTERM twice: the second hangs the live call up now (its end and recording still written)
 *   and the process exits 0 without waiting for the customer;
 * - kill -9, then a restart on the same host: the new process ends the agent session the dead one
 *   left (its phone leg hung up), finishes its open call rows, and dials the rest.
 */
describe('fault: a lone dialler process stopped by SIGTERM, SIGTERM twice, kill -9 and restarted', () => {
  let t: TestDb;
  const lab = labSettings();
  const all: FaultWorkers[] = [];

  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    for (const w of all) await w.stopAll(t.db);
    await t?.drop();
  });

  /** A campaign, its process (60 s drain) started, and the moment its agent is on the first call. */
  async function scenario(code: string, agent: string, area: number, talkSec: number) {
    const numbers = [labNumber(9, talkSec, 0, area), ...[1, 2, 3].map((i) => labNumber(9, 3, i, area))];
    const c: LabCampaign = await seedLabCampaign(t.db, { code, numbers, agents: [agent] });
    const workers = new FaultWorkers(t.url, c.campaignId);
    all.push(workers);
    const offset = carrierLogOffset(lab);
    const [a] = c.agents;
    if (!a) throw new Error('agent seeded');
    const w = await workers.start(`${code}-1`, a, { drainSec: 60 });
    const bridged = () =>
      t
        .db('calls')
        .where({ campaign_id: c.campaignId })
        .whereNotNull('bridged_at')
        .whereNull('ended_at')
        .pluck<string[]>('id');
    await expect.poll(async () => (await bridged()).length, { timeout: 60_000, interval: 200 }).toBe(1);
    const live = await bridged();
    const restart = () => workers.start(`${code}-2`, a);
    const invariants = async () =>
      checkInvariants({
        db: t.db,
        campaignId: c.campaignId,
        lab,
        carrierOffset: offset,
        dispositions: await disposeTakenCalls(t.db, c.campaignId),
        probe: { phone: labNumber(9, 3, 9, area) },
      });
    return { c, w, live, restart, invariants };
  }

  const callsOf = (ids: string[]) =>
    t
      .db('calls')
      .whereIn('id', ids)
      .select<{ id: string; outcome: string | null; ended_at: Date | null; failure: string | null }[]>(
        'id',
        'outcome',
        'ended_at',
        'failure',
      );

  it('SIGTERM once: stops taking leads, the live call finishes, everything written, exit 0', async () => {
    const s = await scenario('term1', 'agent5', 281, 8);
    const exit = exited(s.w.child);
    const signalAt = new Date();
    s.w.child.kill('SIGTERM');
    const { code, at } = await exit;
    expect(code, 'exit code').toBe(0);
    const ended = await callsOf(s.live);
    expect(ended.map((r) => r.outcome)).toEqual(['answered']);
    expect(ended[0]?.ended_at?.getTime() ?? 0).toBeLessThanOrEqual(at);
    expect(
      await countCalls(t.db, s.c.campaignId, (q) => q.where('reserved_at', '>', signalAt)),
      'calls reserved after SIGTERM',
    ).toBe(0);
    const open = await t.db('agent_sessions').whereNull('ended_at').count<{ n: number }[]>({ n: '*' });
    expect(Number(open[0]?.n), 'agent sessions left open').toBe(0);
    await s.restart();
    console.log(
      `sigterm once: exit ${code} ${at - signalAt.getTime()} ms after the signal;`,
      JSON.stringify(await s.invariants()),
    );
  });

  it('SIGTERM twice: the second hangs the live call up now, its end still written, exit 0', async () => {
    const s = await scenario('term2', 'agent6', 282, 30);
    const exit = exited(s.w.child);
    const signalAt = Date.now();
    s.w.child.kill('SIGTERM');
    await sleep(1_000);
    expect(s.w.child.exitCode, 'still draining after the first SIGTERM').toBeNull();
    s.w.child.kill('SIGTERM');
    const { code, at } = await exit;
    expect(code, 'exit code').toBe(0);
    // The customer would have talked 30 s: the process went well before (the drain was cut).
    expect(at - signalAt, 'ms from the first SIGTERM to exit').toBeLessThan(20_000);
    const ended = await callsOf(s.live);
    expect(ended.map((r) => [r.outcome, r.ended_at !== null])).toEqual([['answered', true]]);
    await s.restart();
    console.log(
      `sigterm twice: exit ${code} ${at - signalAt} ms after the first signal;`,
      JSON.stringify(await s.invariants()),
    );
  });

  it('kill -9 then restart: the new process ends the lost agent session and call rows, and dials on', async () => {
    const s = await scenario('kill9', 'agent7', 283, 20);
    const exit = exited(s.w.child);
    s.w.child.kill('SIGKILL');
    await exit;
    await s.restart();
    const sessions = await t
      .db('agent_sessions as s')
      .join('agents as a', 'a.id', 's.agent_id')
      .where('a.username', 'agent7')
      .orderBy('s.id')
      .select<{ ended_at: Date | null; end_reason: string | null }[]>('s.ended_at', 's.end_reason');
    expect(sessions.map((r) => r.end_reason)).toEqual([LOST_SESSION, null]);
    await expect
      .poll(async () => (await callsOf(s.live)).map((r) => r.failure), { timeout: 30_000, interval: 500 })
      .toEqual([ORPHAN_FAILURE]);
    console.log('kill -9 and restart:', JSON.stringify(await s.invariants()));
  });
});
