import type { Knex } from 'knex';
import type { CampaignEngine } from '../../src/engine/campaign-engine.js';
import type { EngineRegistry } from '../../src/engine/registry.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import type { LabSettings } from '../../test/support/lab.js';
import type { BenchTarget } from './bench-target.js';
import { benchEnv } from './bench-env.js';
import { hiResNow, sleep } from './clock.js';
import type { PbxClock } from './pbx-clock.js';
import { heapAfterGcMb, ResourceSampler, type Sample } from './resources.js';
import {
  answeringCustomers,
  insertAgents,
  insertCampaign,
  insertLeads,
  integrity,
  openWork,
  seededTalk,
} from './seed.js';
import { stop } from './stop.js';
import { TimingPbx } from './timing-pbx.js';

export interface ConnectOptions {
  calls: number;
  agents: number;
  seed: number;
  talkSec: [number, number];
  wrapUpSec: number;
  /** The run stops by itself after this long, finished or not. */
  deadlineSec: number;
  log: (line: string) => void;
}

/** Per-call delays of one answer → agent run, ms, and what the run cost. */
export interface ConnectResult {
  calls: number;
  answered: number;
  bridged: number;
  abandoned: number;
  finished: boolean;
  seconds: number;
  /** bridged_at − answered_at from the stored call rows. */
  rowsMs: number[];
  /** Event received → bridge request sent (the engine's own share). */
  shareMs: number[];
  /** Bridge request sent → the PBX's reply. */
  bridgeRestMs: number[];
  /** The answered_at UPDATE the engine waits for before it bridges (statement time on Postgres). */
  answerWriteMs: number[];
  /** Up → ChannelEnteredBridge on Asterisk's clock. */
  pbxMs: number[];
  /** Up on Asterisk's clock → the answered event in the dialer (ARI delivery). */
  deliveryMs: number[];
  samples: Sample[];
  /**
   * Heap after a full GC: logged in and idle; once warm (after a tenth of the calls, so one-off
   * code loading is not counted as growth); and at the end. `gcPauseMs`: the forced GC mid-run.
   */
  heap: {
    startMb: number;
    warmMb?: number;
    warmAtCalls?: number;
    endMb: number;
    gcPauseMs?: number;
    /** When the forced GC ran (epoch ms): calls connecting then are left out of the delays. */
    gcWindow?: [number, number];
  };
  /** Calls left out of the delays because they were connecting during the bench's forced GC. */
  excludedForGc: number;
  integrity: { duplicateAttempts: number; withoutOutcome: number; answered: number; archived: number };
  errors: { count: number; samples: string[] };
}

interface CallRow {
  id: string;
  answered_at: Date | null;
  bridged_at: Date | null;
  abandoned: boolean;
}

/**
 * The real engine on the lab in progressive mode: `agents` SIPp softphones parked in their
 * bridges, customers who answer at once and talk briefly, until `calls` leads are dialled.
 */
export async function runConnectEngine(
  lab: LabSettings,
  /** Asterisk's clock (ARI event times); none on another PBX. */
  clock: PbxClock | undefined,
  o: ConnectOptions,
  /** Another PBX than the lab's Asterisk over ARI. */
  target?: BenchTarget,
): Promise<ConnectResult> {
  let campaignId = 0;
  const mine = (id: string) => id.startsWith(`c${campaignId}-`);
  let timing: TimingPbx | undefined;
  const env = await benchEnv(
    `connect${target ? `-${target.name}` : ''}`,
    { maxChannels: o.agents * 2, cps: 200, ...(target ? { dial: target.dial } : {}) },
    (logger) =>
      (timing = new TimingPbx(
        target?.driver(logger) ?? new AriDriver({ ...lab.ari, app: `bench-connect-${process.pid}` }, logger),
        mine,
      )),
  );
  const { app } = env;
  let registry: EngineRegistry | undefined;
  let pbx: TimingPbx | undefined;
  try {
    const seeded = await seedConnect(app.db, o, target?.agentEndpoint);
    campaignId = seeded.campaignId;
    const agents = seeded.agents;
    clock?.track(mine);
    const writes = answerWrites(app.db);
    await env.pbx();
    pbx = timing;
    if (!pbx) throw new Error('the bench driver was not built');
    const reg = app.engines();
    registry = reg;
    const engine = await reg.start(campaignId);
    await Promise.all(agents.map((a) => reg.login(a, campaignId)));
    const run = await driveUntilDone(app.db, campaignId, engine, pbx, o);
    await reg.stopAll(30_000);
    registry = undefined;
    await waitForArchive(app.db, campaignId, 30_000);
    writes.stop();
    return await collect(app.db, campaignId, { ...run, pbx, clock, writes: writes.ms, errors: env.errors });
  } finally {
    await registry?.stopAll(10_000).catch(() => undefined);
    await pbx?.close();
    await env.close();
  }
}

async function seedConnect(
  db: Knex,
  o: ConnectOptions,
  endpoint?: (i: number) => string,
): Promise<{ campaignId: number; agents: string[] }> {
  const agents = await insertAgents(db, o.agents, endpoint);
  const campaignId = await insertCampaign(db, {
    code: 'bench-connect',
    mode: 'progressive',
    engine: { ringTimeoutSec: 15, wrapUpSec: o.wrapUpSec, amd: false },
  });
  const talk = seededTalk(o.seed, o.talkSec[0], o.talkSec[1]);
  await insertLeads(db, campaignId, answeringCustomers(o.calls, talk));
  return { campaignId, agents };
}

interface Driven {
  finished: boolean;
  seconds: number;
  samples: Sample[];
  heap: ConnectResult['heap'];
}

/** Lets the engine dial until the list is done (or the deadline), sampling CPU and memory. */
async function driveUntilDone(
  db: Knex,
  campaignId: number,
  engine: CampaignEngine,
  pbx: TimingPbx,
  o: ConnectOptions,
): Promise<Driven> {
  const heap: ConnectResult['heap'] = { startMb: heapAfterGcMb(), endMb: NaN };
  const stats = engine.runner.stats;
  const sampler = new ResourceSampler(() => ({ live: pbx.liveCalls, done: stats.dialled - pbx.liveCalls }));
  const started = Date.now();
  sampler.start();
  let finished = false;
  let lastLog = started;
  while (Date.now() - started < o.deadlineSec * 1000 && !stop.requested) {
    await sleep(1_000);
    if (heap.warmMb === undefined && stats.dialled >= Math.max(20, o.calls / 10)) {
      const t0 = hiResNow();
      heap.warmMb = heapAfterGcMb();
      const t1 = hiResNow();
      heap.gcPauseMs = t1 - t0;
      heap.gcWindow = [t0, t1];
      heap.warmAtCalls = stats.dialled;
    }
    if ((await openWork(db, campaignId)) === 0) {
      finished = true;
      break;
    }
    if (Date.now() - lastLog >= 15_000) {
      lastLog = Date.now();
      o.log(
        `  engine connect: ${Math.round((lastLog - started) / 1000)} s, ${stats.dialled}/${o.calls} dialled`,
      );
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const samples = sampler.stop();
  heap.endMb = heapAfterGcMb();
  return { finished, seconds, samples, heap };
}

/** Reads the call rows back and joins them with what the bench saw at the PBX boundary. */
async function collect(
  db: Knex,
  campaignId: number,
  r: Driven & {
    pbx: TimingPbx;
    clock: PbxClock | undefined;
    writes: ReadonlyMap<string, number>;
    errors: ConnectResult['errors'];
  },
): Promise<ConnectResult> {
  const rows = await db('calls')
    .where({ campaign_id: campaignId })
    .select<CallRow[]>('id', 'answered_at', 'bridged_at', 'abandoned');
  const [gc0, gc1] = r.heap.gcWindow ?? [NaN, NaN];
  // A call whose answer → bridge span overlaps the bench's own forced GC measures the bench.
  const duringGc = (id: string) => {
    const t = r.pbx.calls.get(id);
    const from = t?.answeredIn ?? NaN;
    const to = t?.bridgeDone ?? t?.hangupIn ?? from;
    return from <= gc1 && to >= gc0;
  };
  const answeredBridged = rows.filter((c) => c.answered_at && c.bridged_at);
  const bridged = answeredBridged.filter((c) => !duringGc(c.id));
  const ids = bridged.map((c) => c.id);
  const result: ConnectResult = {
    calls: rows.length,
    answered: rows.filter((c) => c.answered_at).length,
    bridged: answeredBridged.length,
    excludedForGc: answeredBridged.length - bridged.length,
    abandoned: rows.filter((c) => c.abandoned).length,
    finished: r.finished,
    seconds: r.seconds,
    rowsMs: bridged.map((c) => (c.bridged_at?.getTime() ?? 0) - (c.answered_at?.getTime() ?? 0)),
    shareMs: [],
    bridgeRestMs: [],
    answerWriteMs: [],
    pbxMs: r.clock?.answerToBridgeMs(ids) ?? [],
    deliveryMs: [],
    samples: r.samples,
    heap: r.heap,
    integrity: await integrity(db, campaignId),
    errors: r.errors,
  };
  for (const id of ids) {
    const t = r.pbx.calls.get(id);
    if (t?.answeredIn !== undefined && t.bridgeSent !== undefined) {
      result.shareMs.push(t.bridgeSent - t.answeredIn);
      if (t.bridgeDone !== undefined) result.bridgeRestMs.push(t.bridgeDone - t.bridgeSent);
    }
    const w = r.writes.get(id);
    if (w !== undefined) result.answerWriteMs.push(w);
    const up = r.clock?.channels.get(id)?.up;
    if (up !== undefined && t?.answeredIn !== undefined) result.deliveryMs.push(t.answeredIn - up);
  }
  return result;
}

/**
 * Times the `update calls set answered_at` statement per call with knex's query events
 * (from the statement being sent on its connection to the reply; pool waits not included).
 */
function answerWrites(db: Knex): { ms: Map<string, number>; stop(): void } {
  const ms = new Map<string, number>();
  const sent = new Map<string, { id: string; at: number }>();
  const onQuery = (q: { __knexQueryUid?: string; sql?: string; bindings?: unknown[] }) => {
    if (!q.__knexQueryUid || !q.sql?.startsWith('update "calls" set "answered_at"')) return;
    sent.set(q.__knexQueryUid, { id: String(q.bindings?.[q.bindings.length - 1]), at: hiResNow() });
  };
  const onResponse = (_r: unknown, q: { __knexQueryUid?: string }) => {
    const s = q.__knexQueryUid ? sent.get(q.__knexQueryUid) : undefined;
    if (!s || !q.__knexQueryUid) return;
    sent.delete(q.__knexQueryUid);
    ms.set(s.id, hiResNow() - s.at);
  };
  db.on('query', onQuery);
  db.on('query-response', onResponse);
  return {
    ms,
    stop() {
      db.removeListener('query', onQuery);
      db.removeListener('query-response', onResponse);
    },
  };
}

/** Waits (bounded) until every answered call's recording is archived. */
async function waitForArchive(db: Knex, campaignId: number, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const i = await integrity(db, campaignId);
    if (i.archived >= i.answered) return;
    await sleep(500);
  }
}
