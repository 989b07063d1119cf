import type { EngineRegistry } from '../../src/engine/registry.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { benchEnv } from './bench-env.js';
import { sleep } from './clock.js';
import { heapAfterGcMb } from './resources.js';
import { answeringCustomers, insertAgents, insertCampaign, insertLeads, openWork } from './seed.js';
import { stop } from './stop.js';

export interface FakeMemoryResult {
  calls: number;
  seconds: number;
  /** Heap after a full GC once warm (a tenth of the calls) and at the end, MB. */
  warmMb: number;
  warmAtCalls: number;
  endMb: number;
}

/**
 * The same engine — registry, runner, hopper on Redis, gate and call rows on Postgres,
 * recordings archived — on the in-memory fake PBX (src/pbx/fake) instead of Asterisk: the
 * baseline that tells whether heap growth in the lab run belongs to the engine or to the ARI
 * path. No lab needed.
 */
export async function runMemoryOnFake(calls: number, agents: number): Promise<FakeMemoryResult> {
  const pbx = new FakePbxDriver({ speed: 10 });
  const env = await benchEnv(
    'memory-fake',
    { maxChannels: agents * 2, cps: 200, dial: 'lab/{number}' },
    () => pbx,
  );
  const { app } = env;
  let registry: EngineRegistry | undefined;
  try {
    const names = await insertAgents(app.db, agents, (i) => `agent/${i}`);
    const campaignId = await insertCampaign(app.db, {
      code: 'bench-memory-fake',
      mode: 'progressive',
      engine: { ringTimeoutSec: 15, wrapUpSec: 0, amd: false },
    });
    await insertLeads(
      app.db,
      campaignId,
      answeringCustomers(calls, () => 2),
    );
    await env.pbx();
    const reg = app.engines();
    registry = reg;
    const engine = await reg.start(campaignId);
    await Promise.all(names.map((a) => reg.login(a, campaignId)));
    const started = Date.now();
    let warm: { mb: number; at: number } | undefined;
    while (!stop.requested && Date.now() - started < (calls / 2 + 120) * 1000) {
      await sleep(500);
      const dialled = engine.runner.stats.dialled;
      if (!warm && dialled >= Math.max(20, calls / 10)) warm = { mb: heapAfterGcMb(), at: dialled };
      if ((await openWork(app.db, campaignId)) === 0) break;
    }
    const endMb = heapAfterGcMb();
    return {
      calls: engine.runner.stats.dialled,
      seconds: (Date.now() - started) / 1000,
      warmMb: warm?.mb ?? NaN,
      warmAtCalls: warm?.at ?? NaN,
      endMb,
    };
  } finally {
    await registry?.stopAll(10_000).catch(() => undefined);
    await pbx.close();
    await env.close();
  }
}
