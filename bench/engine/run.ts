import { mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createDb } from '../../src/store/db.js';
import { adminUrl } from '../../test/support/db.js';
import { labFreeswitch, labSettings, type LabSettings } from '../../test/support/lab.js';
import { parseArgs, BENCH_CPS, PARTS, type BenchArgs } from './args.js';
import { runConnectBaseline, type ConnectBaselineResult } from './connect-baseline.js';
import { runConnectEngine, type ConnectResult } from './connect-engine.js';
import { runImport } from './import-bench.js';
import { runLeadSelection } from './lead-selection.js';
import { describeMachine, type Machine } from './machine.js';
import { runMemoryOnFake, type FakeMemoryResult } from './memory-fake.js';
import { runLoadBaseline } from './originate-baseline.js';
import { runLoadEngine, type LoadResult } from './originate-engine.js';
import { PbxClock } from './pbx-clock.js';
import { installStopHandlers, stop } from './stop.js';
import { formatTable, toCsv, type ReportRow } from './report.js';
import { partFreeswitch } from './freeswitch-part.js';
import { connectMemoryRows, connectRows, importRows, loadRows, resourceRows, selectionRows } from './rows.js';

const here = dirname(fileURLToPath(import.meta.url));
const log = (line: string) => console.log(line);

async function machine(): Promise<Machine & { pgFreeGb: number }> {
  const db = createDb({ url: adminUrl(), poolMax: 1 });
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false });
  try {
    const m = await describeMachine(db, redis, labSettings());
    const dir = await db
      .raw<{ rows: { data_directory: string }[] }>('show data_directory')
      .catch(() => undefined);
    let pgFreeGb = Number.NaN;
    try {
      const s = statfsSync(dir?.rows[0]?.data_directory ?? '/var/lib/postgresql');
      pgFreeGb = (s.bavail * s.bsize) / 2 ** 30;
    } catch {
      // Unknown: the 10M list is then skipped.
    }
    return { ...m, pgFreeGb };
  } finally {
    await db.destroy();
    redis.disconnect();
  }
}

function header(args: BenchArgs, m: Machine, argv: readonly string[]): string[] {
  return [
    `bench:engine — npm run bench:engine${argv.length ? ` -- ${argv.join(' ')}` : ''}   (${args.quick ? 'QUICK: development load' : 'full run'}, seed ${args.seed})`,
    `started ${new Date().toISOString()} on ${m.host}: ${m.cpu} × ${m.cores} cores, ${m.memGb} GB RAM, load ${m.loadAtStart}`,
    `Node ${m.node}, Postgres ${m.postgres}, Redis ${m.redis}, Asterisk ${m.asterisk} (the lab, shared), commit ${m.commit}`,
    `other test processes running at start: ${m.otherTestProcesses}${m.otherTestProcesses > 0 ? ' — the lab was NOT quiet; figures carry that load' : ''}`,
    `bench trunk: CPS limit ${BENCH_CPS} (lab default 20) and the channel caps below; everything on 127.0.0.1.`,
    'Every figure is beside a baseline measured in this run; ratio = dialer ÷ baseline. "bare ARI" = a bare',
    'ARI client (bench/engine/raw-ari.ts) driving the same Asterisk and SIPp: no dialer, no database, no recording.',
    '"bare ESL" (part 6) = a bare ESL client (bench/engine/esl-baseline.ts) driving the same FreeSWITCH and its SIPp.',
  ];
}

interface Collected {
  connect?: { engine: ConnectResult; baseline: ConnectBaselineResult };
  load?: Record<'rate' | 'concurrency', { engine: LoadResult; baseline: LoadResult }>;
  [k: string]: unknown;
}

async function partConnect(args: BenchArgs, lab: LabSettings, all: Collected): Promise<ReportRow[]> {
  log(
    `part 1: answer → agent, ${args.agents} agents; baseline ${args.baselineCalls} calls, engine ${args.connectCalls} calls`,
  );
  const clock = new PbxClock(lab.ari, `bench-clock-${process.pid}`);
  await clock.connect();
  try {
    const common = { agents: args.agents, seed: args.seed, talkSec: args.talkSec, wrapUpSec: args.wrapUpSec };
    const baseline = await runConnectBaseline(lab, clock, {
      ...common,
      calls: args.baselineCalls,
      deadlineSec: args.baselineCalls + 120,
    });
    const engine = await runConnectEngine(lab, clock, {
      ...common,
      calls: args.connectCalls,
      deadlineSec: args.connectCalls + 120,
      log,
    });
    if (!engine.finished) log(`  engine connect: stopped before the list was done`);
    all.connect = { engine, baseline };
    return connectRows(engine, baseline);
  } finally {
    clock.close();
  }
}

async function partLoad(args: BenchArgs, lab: LabSettings, all: Collected): Promise<ReportRow[]> {
  const rows: ReportRow[] = [];
  const load = {} as NonNullable<Collected['load']>;
  for (const plan of [args.rate, args.concurrency]) {
    log(
      `part 2: ${plan.name}: ${plan.calls} calls holding ${plan.holdSec} s, ≤ ${plan.maxChannels} channels, ${plan.cps} CPS`,
    );
    const baseline = await runLoadBaseline(lab, plan);
    const engine = await runLoadEngine(lab, plan, log);
    load[plan.name as 'rate' | 'concurrency'] = { engine, baseline };
    rows.push(...loadRows(plan, engine, baseline));
    if (stop.requested) return rows;
  }
  all.load = load;
  const rate = { e: load.rate.engine, b: load.rate.baseline };
  return [...rows, ...resourceRows(rate, { e: load.concurrency.engine, b: load.concurrency.baseline })];
}

async function partSelection(args: BenchArgs, pgFreeGb: number, all: Collected): Promise<ReportRow[]> {
  let sizes = args.leadSizes;
  if (sizes.includes(10_000_000) && !(pgFreeGb >= 20)) {
    log(`part 4: skipping the 10,000,000-lead list: ${pgFreeGb.toFixed(0)} GB free for Postgres (needs 20)`);
    sizes = sizes.filter((s) => s !== 10_000_000);
  }
  log(`part 4: lead selection, lists of ${sizes.map((s) => s.toLocaleString('en')).join(' / ')}`);
  const sel = await runLeadSelection({ sizes, claims: args.claims, limit: args.claimLimit, log });
  all['selection'] = sel;
  return selectionRows(sel, args.claimLimit);
}

async function partImport(args: BenchArgs, all: Collected): Promise<ReportRow[]> {
  log(`part 5: import of ${args.importRows.toLocaleString('en')} rows`);
  const imp = await runImport(args.importRows);
  all['import'] = imp;
  return importRows(imp);
}

/** Runs the chosen parts in order (the lab-heavy ones first); a stop request skips the rest. */
async function runParts(args: BenchArgs, pgFreeGb: number, rows: ReportRow[], all: Collected): Promise<void> {
  const lab = labSettings();
  const parts: [boolean, () => Promise<ReportRow[]>][] = [
    [args.parts.has('connect'), () => partConnect(args, lab, all)],
    [args.parts.has('load'), () => partLoad(args, lab, all)],
    [args.parts.has('memory') || args.parts.has('connect'), () => partMemory(args, all)],
    [args.parts.has('selection'), () => partSelection(args, pgFreeGb, all)],
    [args.parts.has('import'), () => partImport(args, all)],
    [args.parts.has('freeswitch'), () => partFreeswitch(args, labFreeswitch(), all, log)],
  ];
  for (const [wanted, run] of parts) {
    if (stop.requested) return;
    if (wanted) rows.push(...(await run()));
  }
}

async function partMemory(args: BenchArgs, all: Collected): Promise<ReportRow[]> {
  let fake: FakeMemoryResult | undefined;
  if (args.parts.has('memory')) {
    log(`part 3: memory baseline, the engine on the fake PBX for ${args.memoryCalls} calls`);
    fake = await runMemoryOnFake(args.memoryCalls, args.agents);
    all['memoryFake'] = fake;
  }
  return connectMemoryRows(all.connect?.engine, fake);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  installStopHandlers(log);
  const started = Date.now();
  const m = await machine();
  const head = header(args, m, argv);
  for (const h of head) log(h);
  const rows: ReportRow[] = [];
  const all: Collected = {};
  await runParts(args, m.pgFreeGb, rows, all);
  const minutes = (Date.now() - started) / 60_000;
  const table = formatTable(rows);
  console.log(`\n${head.join('\n')}\n\n${table}\n\nrun time ${minutes.toFixed(1)} min`);
  if (stop.requested) {
    log('stopped early: the partial table above is not written to bench/out/');
    process.exitCode = 130;
    return;
  }
  const out = join(here, '..', 'out');
  mkdirSync(out, { recursive: true });
  // Only a full run of every part writes bench/out/engine.*; others never overwrite it.
  const subset = args.parts.size < PARTS.length ? `-${[...args.parts].join('-')}` : '';
  const name = `engine${args.quick ? '-quick' : ''}${subset}`;
  writeFileSync(join(out, `${name}.csv`), toCsv(rows));
  writeFileSync(
    join(out, `${name}.json`),
    JSON.stringify(
      { header: head, machine: m, args: { ...args, parts: [...args.parts] }, minutes, rows, raw: all },
      null,
      1,
    ),
  );
  writeFileSync(
    join(out, `${name}.txt`),
    `${head.join('\n')}\n\n${table}\n\nrun time ${minutes.toFixed(1)} min\n`,
  );
  log(`wrote bench/out/${name}.csv, .json and .txt`);
}

main().then(
  // Engine timers (identification-message hang-ups) may still be pending: the run is over.
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
