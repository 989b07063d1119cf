/**
 * `npm run soak -- --minutes N [--agents K] [--talk MIN-MAX] [--snapshots DIR]`: predictive
 * dialling on the lab (real Asterisk over ARI, SIPp customers and agents, Postgres, Redis) for N
 * minutes at the most the lab carries (every lab agent, customers who answer at once and talk
 * MIN–MAX s, 1 s wrap-up, the trunk's 20 calls/s). Prints the dialler's RSS and heap (after a
 * full GC) every minute, the heap's slope per 1,000 calls, and the PBX channels and bridges, the
 * engine's event listeners and per-call state, and the run's Redis keys at the start and the end.
 * Not part of CI. Run it under `lablock nice -n 10`; Ctrl-C stops early and cleans up.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import type { Redis } from 'ioredis';
import type { CampaignEngine } from '../../src/engine/campaign-engine.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import { labSettings, type LabSettings } from '../../test/support/lab.js';
import { benchEnv } from '../engine/bench-env.js';
import { sleep } from '../engine/clock.js';
import { heapAfterGcMb } from '../engine/resources.js';
import { answeringCustomers, insertAgents, insertLeads, seededTalk } from '../engine/seed.js';
import { installStopHandlers, stop } from '../engine/stop.js';
import { dataOnly, heapResidualMb, heapSlopePer1000, type SoakSample } from './figures.js';
import { insertPredictiveCampaign, parseSoakArgs, type SoakArgs } from './setup.js';

const log = (line: string) => console.log(line);

/** What is left behind, counted at the start and the end. */
async function counts(lab: LabSettings, engine: CampaignEngine | undefined, redis: Redis, prefix: string) {
  const ari = async (path: string) => {
    const auth = Buffer.from(`${lab.ari.username}:${lab.ari.password}`).toString('base64');
    const res = await fetch(`${lab.ari.url}/ari${path}`, { headers: { Authorization: `Basic ${auth}` } });
    return ((await res.json()) as unknown[]).length;
  };
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const router = engine?.router.size;
  return {
    pbxChannels: await ari('/channels'),
    pbxBridges: await ari('/bridges'),
    routerHandlers: router ? router.calls + router.recordings + router.others : 0,
    driver: engine?.pbx.retained?.() ?? {},
    runnerLiveCalls: engine?.runner.liveCalls ?? 0,
    redisKeys: keys.length,
    ...(keys.length <= 8 ? { redisKeyNames: keys.map((k) => k.slice(prefix.length + 1)).sort() } : {}),
  };
}

async function soak(a: SoakArgs): Promise<void> {
  const lab = labSettings();
  const env = await benchEnv(
    'soak',
    { maxChannels: a.agents * 3, cps: 20 },
    (logger) => new AriDriver({ ...lab.ari, app: `soak-${process.pid}` }, logger),
  );
  const { app } = env;
  const samples: SoakSample[] = [];
  try {
    const agents = await insertAgents(app.db, a.agents);
    const campaignId = await insertPredictiveCampaign(app.db);
    const leads = Math.min(8_000, a.minutes * 400);
    await insertLeads(
      app.db,
      campaignId,
      answeringCustomers(leads, seededTalk(7, a.talkSec[0], a.talkSec[1])),
    );
    await env.pbx();
    const registry = app.engines();
    const before = await counts(lab, undefined, app.redis(), env.prefix);
    const engine = await registry.start(campaignId);
    await Promise.all(agents.map((u) => registry.login(u, campaignId)));
    log(`start (before the campaign): ${JSON.stringify(before)}`);
    log(`start (agents logged in):   ${JSON.stringify(await counts(lab, engine, app.redis(), env.prefix))}`);
    const ended = async () =>
      Number(
        (
          await app
            .db('calls')
            .where({ campaign_id: campaignId })
            .whereNotNull('ended_at')
            .count<{ n: number }[]>({ n: '*' })
        )[0]?.n,
      );
    const sample = async (minute: number) => {
      const s: SoakSample = {
        minute,
        callsEnded: await ended(),
        live: engine.runner.liveCalls,
        rssMb: process.memoryUsage().rss / 2 ** 20,
        heapMb: heapAfterGcMb(),
        codeMb:
          (getHeapSpaceStatistics().find((x) => x.space_name === 'code_space')?.space_used_size ?? 0) /
          2 ** 20,
      };
      samples.push(s);
      log(
        `minute ${String(minute).padStart(3)}: calls ended ${String(s.callsEnded).padStart(6)}, live ${String(s.live).padStart(3)},` +
          ` dialler RSS ${s.rssMb.toFixed(1)} MB, heap after GC ${s.heapMb.toFixed(2)} MB (code ${s.codeMb?.toFixed(2)} MB)`,
      );
      if (a.snapshots && (minute === 1 || minute === a.minutes))
        log(`  heap snapshot: ${writeHeapSnapshot(join(a.snapshots, `soak-min${minute}.heapsnapshot`))}`);
    };
    await sample(0);
    for (let m = 1; m <= a.minutes && !stop.requested; m++) {
      for (let s = 0; s < 60 && !stop.requested; s++) await sleep(1_000);
      await sample(m);
    }
    log(`end (campaign running):     ${JSON.stringify(await counts(lab, engine, app.redis(), env.prefix))}`);
    await registry.stopAll(30_000);
    await sleep(2_000);
    log(`end (campaign stopped):     ${JSON.stringify(await counts(lab, engine, app.redis(), env.prefix))}`);
    report(samples, env.errors);
  } finally {
    await app
      .engines()
      .stopAll(5_000)
      .catch(() => undefined);
    await env.close();
  }
}

function report(samples: readonly SoakSample[], errors: { count: number; samples: string[] }): void {
  const first = samples[1] ?? samples[0];
  const last = samples[samples.length - 1];
  const slope = heapSlopePer1000(samples);
  const noise = heapResidualMb(samples);
  log(
    `heap (after GC) from minute ${first?.minute} to ${last?.minute}: ${first?.heapMb.toFixed(2)} → ${last?.heapMb.toFixed(2)} MB` +
      ` over ${(last?.callsEnded ?? 0) - (first?.callsEnded ?? 0)} calls`,
  );
  const data = dataOnly(samples);
  log(
    `heap slope: ${slope.toFixed(3)} MB per 1,000 calls (least squares over minutes ≥ 1; spread around it ±${noise.toFixed(2)} MB)`,
  );
  log(
    `heap without V8's code space: ${heapSlopePer1000(data).toFixed(3)} MB per 1,000 calls (spread ±${heapResidualMb(data).toFixed(2)} MB)`,
  );
  log(`engine error lines: ${errors.count}${errors.samples.length ? ` (${errors.samples.join('; ')})` : ''}`);
}

const args = parseSoakArgs(process.argv.slice(2));
if (args.snapshots) mkdirSync(args.snapshots, { recursive: true });
installStopHandlers(log);
log(
  `soak: ${args.minutes} min, ${args.agents} agents, customers talk ${args.talkSec[0]}–${args.talkSec[1]} s, predictive, started ${new Date().toISOString()}`,
);
await soak(args);
process.exit(0);
