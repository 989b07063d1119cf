import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveySchema } from '../../src/domain/campaign/survey.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { freePort, labRunConfig, startDialerRun, type DialerProcess } from '../support/dialer-process.js';

interface CallRow {
  id: string;
  answered_at: Date | null;
  ended_at: Date | null;
  outcome: string | null;
}

/**
 * `dialer run` stops as long as its live calls need and no longer (issue #19: it always took
 * 60 s). The real process on the lab, sent SIGTERM: with no live call it exits at once; with a
 * call up it exits right after the customer hangs up; with a call longer than `--drain` it exits
 * at the deadline. A notification campaign (a 30 s message) whose customers hang up after TT s
 * (the lab's number plan) makes the call's length the customer's.
 */
describe('dialer run: SIGTERM takes as long as the live calls (real process, lab)', () => {
  let t: TestDb;
  let dir: string;
  let redis: Redis;
  const prefix = `sigterm-${Date.now().toString(36)}`;
  const running: DialerProcess[] = [];
  const timings: string[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    dir = mkdtempSync(join(tmpdir(), 'dialer-sigterm-'));
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
  });
  afterAll(async () => {
    for (const p of running)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
    await t?.drop();
    console.log(`SIGTERM timings (from the signal to the process's exit):\n${timings.join('\n')}`);
  });

  /** An active notification campaign with one lead per number (UTC, window open all day). */
  async function campaign(code: string, numbers: string[]): Promise<number> {
    const [c] = await t
      .db('campaigns')
      .insert({
        id: 100_000 + Math.floor(Math.random() * 1e8),
        code,
        name: `SIGTERM e2e (${code})`,
        status: 'active',
        purpose: 'survey',
        dial_mode: 'agentless',
        trunk: 'lab-carrier',
        max_attempts: 1,
        settings: {
          engine: { ringTimeoutSec: 15 },
          window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
          survey: surveySchema.parse({ intro: 'sound:demo-congrats', maxCallSec: 60 }),
        },
      })
      .returning<{ id: number }[]>('id');
    const id = c?.id ?? 0;
    if (numbers.length)
      await t
        .db('leads')
        .insert(numbers.map((phone) => ({ campaign_id: id, phone_e164: phone, timezone: 'UTC' })));
    return id;
  }

  async function start(name: string, args: string[] = []): Promise<DialerProcess> {
    const port = await freePort();
    const config = labRunConfig(dir, { name: `${name}-${process.pid}`, dbUrl: t.url, prefix, port });
    const p = await startDialerRun(config, port, args);
    running.push(p);
    return p;
  }

  async function answeredCall(campaignId: number): Promise<CallRow> {
    const until = Date.now() + 60_000; // a hang guard
    while (Date.now() < until) {
      const row = await t
        .db('calls')
        .where({ campaign_id: campaignId })
        .whereNotNull('answered_at')
        .first<CallRow | undefined>('id', 'answered_at', 'ended_at', 'outcome');
      if (row) return row;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('no call was answered');
  }

  const callRow = async (id: string) =>
    t.db('calls').where({ id }).first<CallRow>('id', 'answered_at', 'ended_at', 'outcome');

  it('with no live call, exits within 2 s of SIGTERM (exit code 0)', async () => {
    const c = await campaign('idle', []);
    const p = await start('idle');
    const sent = Date.now();
    p.child.kill('SIGTERM');
    const { code, at } = await p.exited;
    timings.push(`  no live call: ${at - sent} ms`);
    expect(code, p.output()).toBe(0);
    expect(at - sent).toBeLessThan(2_000);
    await t.db('campaigns').where({ id: c }).update({ status: 'paused' });
  }, 180_000);

  it('with a call up, exits right after the customer hangs up — not before, not at the drain limit', async () => {
    // The customer hangs up 6 s after answering; the message would go on for 30 s.
    const c = await campaign('one-call', [labNumber(9, 6, 1, 297)]);
    const p = await start('one-call');
    const call = await answeredCall(c);
    const sent = Date.now();
    p.child.kill('SIGTERM');
    const { code, at } = await p.exited;
    const row = await callRow(call.id);
    timings.push(
      `  call up (customer hangs up 6 s after answer): ${at - sent} ms; from the call's end to exit ${at - (row.ended_at?.getTime() ?? NaN)} ms`,
    );
    expect(code, p.output()).toBe(0);
    // The call was let finish: ended by the customer, its outcome written by this process.
    expect(row.ended_at).not.toBeNull();
    expect(row.outcome).not.toBeNull();
    const talked = (row.ended_at?.getTime() ?? 0) - (row.answered_at?.getTime() ?? 0);
    expect(talked).toBeGreaterThan(5_000);
    expect(at).toBeGreaterThanOrEqual(row.ended_at?.getTime() ?? Infinity);
    // Right after it ended: well before the 60 s deadline (issue #19's bug), within 2 s of the end.
    expect(at - (row.ended_at?.getTime() ?? 0)).toBeLessThan(2_000);
    await t.db('campaigns').where({ id: c }).update({ status: 'paused' });
  }, 180_000);

  it('with a call longer than --drain, exits at the deadline and leaves the call to the next holder', async () => {
    // The customer talks for 12 s; the service may wait 3 s.
    const c = await campaign('deadline', [labNumber(9, 12, 2, 297)]);
    const p = await start('deadline', ['--drain', '3']);
    const call = await answeredCall(c);
    const sent = Date.now();
    p.child.kill('SIGTERM');
    const { code, at } = await p.exited;
    timings.push(`  call longer than --drain 3: ${at - sent} ms`);
    expect(code, p.output()).toBe(0);
    expect(at - sent).toBeGreaterThanOrEqual(3_000);
    expect(at - sent).toBeLessThan(10_000);
    expect(p.output()).toContain('calls still up at the drain deadline are left to the next lease holder');
    // Still up when the service left: no outcome written (the next lease holder settles it).
    expect((await callRow(call.id)).ended_at).toBeNull();
    await t.db('campaigns').where({ id: c }).update({ status: 'paused' });
    // The customer hangs up by itself 12 s after answering; wait for it so the lab is left idle.
    const idle = (call.answered_at?.getTime() ?? Date.now()) + 14_000 - Date.now();
    if (idle > 0) await new Promise((r) => setTimeout(r, idle));
  }, 180_000);
});
