import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { finishOrphans } from '../../src/engine/orphans.js';
import { Lease } from '../../src/queues/lease.js';
import type { AttemptLedger } from '../../src/ports/attempt-ledger.js';
import type { PbxDriver } from '../../src/pbx/pbx-driver.js';
import { ProcessHeartbeat } from '../../src/store/process-heartbeat.js';
import { CallRepository } from '../../src/store/repositories/calls.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { CuttableProxy } from '../support/tcp-proxy.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const TTL = 1_500;

/** Intervals [from, to) during which each lease believed itself held. */
function beliefs(): { log: { held: boolean; at: number }[]; intervals(): [number, number][] } {
  const log: { held: boolean; at: number }[] = [];
  return {
    log,
    intervals() {
      const out: [number, number][] = [];
      let from: number | undefined;
      for (const e of log) {
        if (e.held) from = e.at;
        else if (from !== undefined) {
          out.push([from, e.at]);
          from = undefined;
        }
      }
      if (from !== undefined) out.push([from, Date.now()]);
      return out;
    },
  };
}

const overlap = (a: [number, number][], b: [number, number][]): boolean =>
  a.some(([a0, a1]) => b.some(([b0, b1]) => a0 < b1 && b0 < a1));

describe('campaign lease over a Redis this process loses for a while (real Redis, cut proxy)', () => {
  const proxy = new CuttableProxy('127.0.0.1', 6379);
  let viaProxy: Redis;
  let direct: Redis;
  const key = `test-lease-${Date.now().toString(36)}:lease:campaign:1`;

  beforeAll(async () => {
    await proxy.open(0);
    viaProxy = new Redis({ host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: null });
    direct = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    if (!proxy.isOpen) await proxy.open();
    await direct.del(key);
    viaProxy.disconnect();
    await direct.quit();
    await proxy.cut();
  });

  it('the cut-off holder stops believing within the TTL; the other takes over; never both', async () => {
    const a = beliefs();
    const b = beliefs();
    const la = new Lease(viaProxy, key, 'a', TTL, (held, at) => a.log.push({ held, at }));
    const lb = new Lease(direct, key, 'b', TTL, (held, at) => b.log.push({ held, at }));
    la.start();
    await expect.poll(() => la.isHeld, { timeout: 5_000, interval: 20 }).toBe(true);
    lb.start();
    await sleep(TTL);
    expect(lb.isHeld, 'a second process does not take a held lease').toBe(false);

    const cutAt = Date.now();
    await proxy.cut();
    await expect.poll(() => la.isHeld, { timeout: TTL + 500, interval: 20 }).toBe(false);
    const lapsedAfter = Date.now() - cutAt;
    await expect.poll(() => lb.isHeld, { timeout: 3 * TTL, interval: 20 }).toBe(true);
    await sleep(TTL);
    await proxy.open();
    // Back on Redis, the first process finds the lease taken and stays without it.
    await sleep(2 * TTL);
    expect(la.isHeld).toBe(false);
    expect(lb.isHeld).toBe(true);
    await la.stop();
    await lb.stop();
    expect(lapsedAfter, 'belief lapsed within the TTL of the cut').toBeLessThanOrEqual(TTL);
    expect(overlap(a.intervals(), b.intervals()), JSON.stringify({ a: a.log, b: b.log })).toBe(false);
    expect(await direct.get(key), 'released on stop').toBeNull();
  });
});

describe('open call rows of a live process are left to it (real Postgres)', () => {
  let t: TestDb;
  const logger = createLogger({ level: 'silent', name: 'test' });

  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('finishOrphans defers rows whose owner beats, and finishes them once it stops', async () => {
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'own', name: 'own', status: 'active', purpose: 'care', dial_mode: 'progressive' })
      .returning<{ id: number }[]>('id');
    const campaignId = Number(c?.id);
    const [lead] = await t
      .db('leads')
      .insert({ campaign_id: campaignId, phone_e164: '+15555550100', timezone: 'UTC' })
      .returning<{ id: number }[]>('id');
    const heartbeat = new ProcessHeartbeat(t.db, 'proc-a', logger);
    await heartbeat.beat();
    const mine = new CallRepository(t.db, logger, 'proc-a');
    const theirs = new CallRepository(t.db, logger, 'proc-b');
    const row = {
      campaign_id: campaignId,
      lead_id: Number(lead?.id),
      attempt: 1,
      phone_e164: '+15555550100',
    };
    await mine.reserve({ ...row, id: 'call-a', trunk: 't', pbx_node: 'n' });
    await theirs.reserve({ ...row, id: 'call-b', attempt: 2, trunk: 't', pbx_node: 'n' });
    expect((await theirs.open(campaignId)).map((r) => [r.id, r.liveOwner])).toEqual(
      expect.arrayContaining([
        ['call-a', 'proc-a'],
        ['call-b', undefined],
      ]),
    );
    const hungUp: string[] = [];
    const deps = {
      calls: theirs,
      ledger: { ended: () => Promise.resolve() } as unknown as AttemptLedger,
      pbx: { hangup: (id: string) => void hungUp.push(id) } as unknown as PbxDriver,
      logger,
      now: Date.now,
    };
    // proc-b's own live call is in its in-flight set; proc-a's is left to proc-a.
    expect(await finishOrphans(deps, campaignId, new Set(['call-b']))).toEqual({ finished: 0, deferred: 1 });
    await heartbeat.stop();
    expect(await finishOrphans(deps, campaignId, new Set(['call-b']))).toEqual({ finished: 1, deferred: 0 });
    expect(hungUp).toEqual(['call-a']);
  });
});
