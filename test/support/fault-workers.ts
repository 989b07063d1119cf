import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { running, startWorker, type Worker } from './child-worker.js';
import { labSettings } from './lab.js';
import { RawAri } from './raw-ari.js';
import { deleteRedisPrefix } from './redis-keys.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Dialler processes of one fault scenario (test/support/engine-worker.ts), sharing a database,
 * a Redis prefix and a temporary recordings root; `stopAll` ends each by its PID and hangs up
 * the agent legs a killed one left on the lab.
 */
export class FaultWorkers {
  readonly all: Worker[] = [];
  readonly recordingsRoot = mkdtempSync(join(tmpdir(), 'dialer-fault-rec-'));
  readonly prefix = `fault-${Date.now().toString(36)}`;

  constructor(
    private readonly dbUrl: string,
    private readonly campaignId: number,
  ) {}

  async start(
    name: string,
    agent: { id: number; username: string; endpoint: string },
    extra: { redisUrl?: string; drainSec?: number } = {},
  ): Promise<Worker> {
    const w = await startWorker('test/support/engine-worker.ts', {
      name,
      dbUrl: this.dbUrl,
      prefix: this.prefix,
      recordingsRoot: this.recordingsRoot,
      campaignId: this.campaignId,
      agent,
      ...extra,
    });
    this.all.push(w);
    return w;
  }

  async stopAll(db: Knex): Promise<void> {
    for (const w of this.all) if (running(w.child)) w.child.kill('SIGTERM');
    for (let i = 0; i < 30 && this.all.some((w) => running(w.child)); i++) await sleep(200);
    for (const w of this.all) if (running(w.child)) w.child.kill('SIGKILL');
    // A killed process's agent leg has no owner left: hang it up.
    const ari = new RawAri(labSettings());
    const legs = await db('agent_sessions').whereNull('ended_at').pluck<string[]>('pbx_call_id');
    for (const leg of legs) await ari.request('DELETE', `/channels/${leg}`).catch(() => undefined);
    rmSync(this.recordingsRoot, { recursive: true, force: true });
    await deleteRedisPrefix(this.prefix);
  }
}
