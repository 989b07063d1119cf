import type { Knex } from 'knex';
import type { CampaignEngine } from '../../src/engine/campaign-engine.js';
import type { Pacer, PacerDecision, PacerState } from '../../src/pacing/types.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import type { LabSettings } from '../../test/support/lab.js';
import type { BenchTarget } from './bench-target.js';
import { benchEnv } from './bench-env.js';
import { hiResNow, sleep } from './clock.js';
import { heapAfterGcMb, ResourceSampler, type Sample } from './resources.js';
import { answeringCustomers, insertCampaign, insertLeads, integrity, openWork } from './seed.js';
import { stop } from './stop.js';
import { TimingPbx } from './timing-pbx.js';

/** One load level: `calls` customers who answer at once and hang up after `holdSec`. */
export interface LoadPlan {
  name: string;
  calls: number;
  holdSec: number;
  /** Most calls up at once (the trunk's channel limit; the baseline obeys the same cap). */
  maxChannels: number;
  /** The trunk's calls-per-second limit, set high for the benchmark. */
  cps: number;
  deadlineSec: number;
}

/** What one load run did, engine or baseline. */
export interface LoadResult {
  calls: number;
  answered: number;
  failed: number;
  seconds: number;
  /** Originate requests sent, epoch ms. */
  originatedAt: number[];
  /** Originate request → the PBX accepted it, ms. */
  originateRestMs: number[];
  /** [originate sent, hang-up seen] per call. */
  intervals: { start: number; end: number }[];
  peakLive: number;
  samples: Sample[];
  /** Heap after GC: before, at the fullest moment, after; and calls live at the fullest moment. */
  heap: { startMb: number; peakMb: number; peakLive: number; endMb: number };
  errors?: { count: number; samples: string[] };
  /** Originates the PBX refused, by HTTP status or error name. */
  refusals?: Record<string, number>;
  /** Postgres statements the engine sent per originated call. */
  statementsPerCall?: number;
  /** Durations of the runner's ticks that did work (feed the hopper, pace, take attempts), ms. */
  tickMs?: number[];
  integrity?: { duplicateAttempts: number; withoutOutcome: number; answered: number; archived: number };
}

/**
 * Fills every free line of the trunk on every tick. The benchmark uses it instead of the
 * agentless pacer (5 lines a tick, 20 a second) to find the engine's own ceiling.
 */
export class FillTrunkPacer implements Pacer {
  readonly name = 'fill-trunk';
  observe(): void {}
  decide(s: PacerState): PacerDecision {
    return { lines: s.trunkFreeLines, reason: 'benchmark: every free line', inputs: {} };
  }
}

/**
 * The real engine (campaign runner, hopper, gate, call rows, recording of every answered call)
 * on an agentless campaign with the fill-the-trunk pacer: nothing but the engine and the PBX
 * limit how fast it originates.
 */
export async function runLoadEngine(
  lab: LabSettings,
  plan: LoadPlan,
  log: (l: string) => void,
  /** Another PBX than the lab's Asterisk over ARI. */
  target?: BenchTarget,
): Promise<LoadResult> {
  let campaignId = 0;
  const mine = (id: string) => id.startsWith(`c${campaignId}-`);
  let built: TimingPbx | undefined;
  const env = await benchEnv(
    `load-${plan.name}${target ? `-${target.name}` : ''}`,
    { maxChannels: plan.maxChannels, cps: plan.cps, ...(target ? { dial: target.dial } : {}) },
    (logger) =>
      (built = new TimingPbx(
        target?.driver(logger) ?? new AriDriver({ ...lab.ari, app: `bench-load-${process.pid}` }, logger),
        mine,
      )),
  );
  const { app } = env;
  let engine: CampaignEngine | undefined;
  let pbx: TimingPbx | undefined;
  let statements = 0;
  const countStatement = () => void (statements += 1);
  try {
    campaignId = await insertCampaign(app.db, {
      code: `bench-load-${plan.name}`,
      mode: 'agentless',
      // A notification (no agents, no questions) longer than the customer stays, so the
      // customer, not the engine, ends the call — as in the baseline.
      engine: { ringTimeoutSec: 15, wrapUpSec: 1, amd: false },
      survey: {
        intro: 'sound:silence/10',
        closing: 'sound:silence/10',
        maxCallSec: plan.holdSec + 60,
      },
    });
    await insertLeads(
      app.db,
      campaignId,
      answeringCustomers(plan.calls, () => plan.holdSec),
    );
    await env.pbx();
    pbx = built;
    if (!pbx) throw new Error('the bench driver was not built');
    const heap = { startMb: heapAfterGcMb(), peakMb: Number.NaN, peakLive: 0, endMb: Number.NaN };
    app.db.on('query', countStatement);
    const timing = pbx;
    const sampler = new ResourceSampler(() => ({ live: timing.liveCalls, done: ended(timing) }));
    const started = Date.now();
    sampler.start();
    engine = await app.engines().start(campaignId, { pacer: new FillTrunkPacer() });
    const tickMs = timeTicks(engine);
    await waitForList(app.db, campaignId, plan, pbx, heap, log);
    const seconds = (Date.now() - started) / 1000;
    const samples = sampler.stop();
    heap.endMb = heapAfterGcMb();
    await engine.stop(30_000);
    engine = undefined;
    const r = loadResult(pbx, seconds, samples, heap);
    return {
      ...r,
      errors: env.errors,
      integrity: await integrity(app.db, campaignId),
      statementsPerCall: r.calls > 0 ? statements / r.calls : Number.NaN,
      tickMs,
    };
  } finally {
    app.db.removeListener('query', countStatement);
    await engine?.stop(10_000).catch(() => undefined);
    await pbx?.close();
    await env.close();
  }
}

const ended = (pbx: TimingPbx): number =>
  [...pbx.calls.values()].filter((t) => t.hangupIn !== undefined).length;

/** Waits until the list is done or the deadline; takes the heap once the trunk is nearly full. */
async function waitForList(
  db: Knex,
  campaignId: number,
  plan: LoadPlan,
  pbx: TimingPbx,
  heap: LoadResult['heap'],
  log: (l: string) => void,
): Promise<void> {
  const started = Date.now();
  let lastLog = started;
  while (Date.now() - started < plan.deadlineSec * 1000 && !stop.requested) {
    await sleep(1_000);
    if (Number.isNaN(heap.peakMb) && pbx.liveCalls >= 0.9 * plan.maxChannels) {
      heap.peakLive = pbx.liveCalls;
      heap.peakMb = heapAfterGcMb();
    }
    if ((await openWork(db, campaignId)) === 0) return;
    if (Date.now() - lastLog >= 15_000) {
      lastLog = Date.now();
      const s = Math.round((lastLog - started) / 1000);
      log(`  engine ${plan.name}: ${s} s, ${pbx.calls.size}/${plan.calls} originated, ${pbx.liveCalls} live`);
    }
  }
  log(`  engine ${plan.name}: stopped at the deadline (${plan.deadlineSec} s)`);
}

/**
 * Times the runner's ticks through its public `tick` (the interval calls it by name). A tick
 * that finds the previous one still running returns at once; those (< 0.5 ms) are left out.
 */
function timeTicks(engine: CampaignEngine): number[] {
  const ms: number[] = [];
  const runner = engine.runner;
  const tick = runner.tick.bind(runner);
  runner.tick = async () => {
    const t0 = hiResNow();
    await tick();
    const d = hiResNow() - t0;
    if (d >= 0.5) ms.push(d);
  };
  return ms;
}

function loadResult(
  pbx: TimingPbx,
  seconds: number,
  samples: Sample[],
  heap: LoadResult['heap'],
): LoadResult {
  const r: LoadResult = {
    calls: 0,
    answered: 0,
    failed: 0,
    seconds,
    originatedAt: [],
    originateRestMs: [],
    intervals: [],
    peakLive: pbx.peakLive,
    samples,
    heap,
  };
  for (const t of pbx.calls.values()) {
    if (t.originateSent === undefined) continue;
    r.calls += 1;
    r.originatedAt.push(t.originateSent);
    if (t.originateDone !== undefined) r.originateRestMs.push(t.originateDone - t.originateSent);
    else r.failed += 1;
    if (t.answered) r.answered += 1;
    if (t.hangupIn !== undefined) r.intervals.push({ start: t.originateSent, end: t.hangupIn });
  }
  return r;
}
