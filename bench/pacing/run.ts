import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PredictivePacer } from '../../src/pacing/predictive.js';
import { ProgressivePacer } from '../../src/pacing/simple-pacers.js';
import type { Pacer } from '../../src/pacing/types.js';
import { progressiveOccupancy } from '../../src/sim/reference.js';
import { makeScenario } from '../../src/sim/scenario.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { simulate } from '../../src/sim/simulator.js';
import { toCsv, toSvg } from './output.js';
import { POLICIES } from './policies.js';
import { SimPool } from './pool.js';
import { scenarioReport, summary } from './report.js';
import { benchScenario } from './scenario-bench.js';
import type { BenchSettings } from './scenario-bench.js';

const TARGET = 0.03;
const here = dirname(fileURLToPath(import.meta.url));

interface Args extends BenchSettings {
  quick: boolean;
  only: string | undefined;
  workers: number;
}

function intArg(argv: readonly string[], flag: string, fallback: number, min: number): number {
  const i = argv.indexOf(flag);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < min) throw new Error(`${flag} needs an integer ≥ ${min}`);
  return v;
}

function parseArgs(argv: readonly string[]): Args {
  const quick = argv.includes('--quick');
  const j = argv.indexOf('--scenario');
  return {
    quick,
    target: TARGET,
    seeds: intArg(argv, '--seeds', quick ? 3 : 30, 1),
    tuneSeeds: intArg(argv, '--tune-seeds', quick ? 4 : 10, 1),
    workers: intArg(argv, '--workers', availableParallelism(), 0),
    only: j >= 0 ? argv[j + 1] : undefined,
  };
}

function loadScenarios(args: Args): Scenario[] {
  const dir = join(here, '..', 'scenarios');
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => makeScenario(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Partial<Scenario>));
  const picked = all.filter((s) => !args.only || s.name === args.only);
  if (picked.length === 0) throw new Error(`no scenario named ${args.only ?? ''}`);
  return picked.map((s) => (args.quick ? { ...s, days: Math.min(s.days, 2) } : s));
}

/** Median CPU seconds (this process, before any worker starts) of `n` simulated days. */
function cpuSecondsPerDay(make: () => Pacer, n: number): number {
  const s = makeScenario({ name: 'speed', agents: 50, hoursPerDay: 8 });
  const xs: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = process.cpuUsage();
    simulate(s, make(), 1 + k);
    const u = process.cpuUsage(t);
    xs.push((u.user + u.system) / 1e6);
  }
  xs.sort((a, b) => a - b);
  return xs[Math.floor(n / 2)] ?? Number.NaN;
}

function printHeader(args: Args, scenarios: readonly Scenario[]): void {
  console.log(
    `bench:pacing — ${scenarios.length} scenarios × ${POLICIES.length + 2} policies × ${args.seeds} seeds (evaluation seeds 1000…), ` +
      `target ${TARGET * 100}%, tuned ratio and tuned VICIdial level on ${args.tuneSeeds} seeds (9000…), ${args.workers} worker threads`,
  );
  const ref = { p: 0.25, meanFailedSeconds: 17.9, meanAnswerSeconds: 10, meanHandleSeconds: 135 };
  console.log(
    `progressive closed form (benchmarks.md reference setup): ρ = ${progressiveOccupancy(ref).toFixed(3)}`,
  );
  const sim = cpuSecondsPerDay(() => new ProgressivePacer(), 5);
  const ours = cpuSecondsPerDay(() => new PredictivePacer(), 3);
  console.log(
    `simulator speed, one 8 h day of 50 agents (median CPU, measured now): ${sim.toFixed(2)} s with the progressive pacer ` +
      `(the simulator itself), ${ours.toFixed(2)} s with the predictive pacer (its once-a-second forecast included)`,
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scenarios = loadScenarios(args);
  const started = performance.now();
  printHeader(args, scenarios);
  const pool = new SimPool(args.workers);
  try {
    const results = await Promise.all(scenarios.map((s) => benchScenario(pool, s, args)));
    for (const r of results) console.log(scenarioReport(r, args));
    for (const line of summary(results, args)) console.log(line);
    const rows = results.flatMap((r) => r.rows);
    const out = join(here, '..', 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'pacing.csv'), toCsv(rows));
    writeFileSync(join(out, 'pacing.svg'), toSvg(rows, TARGET));
    console.log(
      `wrote bench/out/pacing.csv and bench/out/pacing.svg; wall time ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  } finally {
    await pool.close();
  }
}

await main();
