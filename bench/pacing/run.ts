import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PredictivePacer } from '../../src/pacing/predictive.js';
import { ProgressivePacer } from '../../src/pacing/simple-pacers.js';
import type { Pacer } from '../../src/pacing/types.js';
import { progressiveInputs, progressiveOccupancy } from '../../src/sim/reference.js';
import { makeScenario } from '../../src/sim/scenario.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { simulate } from '../../src/sim/simulator.js';
import { toCsv, toSvg } from './output.js';
import { POLICIES } from './policies.js';
import { SimPool } from './pool.js';
import { scenarioReport, summary } from './report.js';
import { benchScenario } from './scenario-bench.js';
import { loadScenarios, parseArgs } from './args.js';
import type { Args } from './args.js';

const here = dirname(fileURLToPath(import.meta.url));

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

/**
 * benchmarks.md's progressive reference setup as the simulator plays it: p = 0.25; failures 50%
 * no answer at 25 s, 20% busy at 3 s, 30% machines resolved at ~16 s (ring + AMD); ring
 * lognormal mean 10 s, sd 5 s, cut at 25 s; AMD 2.5 s and exact; talk 120 s, wrap 15 s.
 */
const REFERENCE_SETUP = makeScenario({
  name: 'closed-form',
  agents: 50,
  pHuman: 0.25,
  pMachine: 0.75 * 0.3,
  pBusy: 0.75 * 0.2,
  pCongestion: 0,
  machineRingMeanSeconds: 13.5,
  amdAccuracy: 1,
  wrapMeanSeconds: 15,
});

/** The closed form with E[R] as the simulator has it, beside the simulated busy share (same run). */
function closedForm(): void {
  const x = progressiveInputs(REFERENCE_SETUP);
  const rho = progressiveOccupancy(x);
  const quoted = progressiveOccupancy({ ...x, meanAnswerSeconds: 10 });
  const busy = [1, 2, 3].map((seed) => simulate(REFERENCE_SETUP, new ProgressivePacer(), seed).busyShare);
  const mean = busy.reduce((a, b) => a + b, 0) / busy.length;
  console.log(
    `progressive closed form (benchmarks.md reference setup): ρ = ${rho.toFixed(3)} with E[R] = ${x.meanAnswerSeconds.toFixed(1)} s ` +
      `(ring lognormal 10 s ± 5 s cut at 25 s, + AMD 2.5 s) and E[D_f] = ${x.meanFailedSeconds.toFixed(1)} s; ` +
      `simulated busy share there (progressive, 50 agents, 8 h, seeds 1–3): ${mean.toFixed(3)}; ` +
      `benchmarks.md's E[R] ≈ 10 s would give ${quoted.toFixed(3)}`,
  );
}

function printHeader(args: Args, scenarios: readonly Scenario[]): void {
  console.log(
    `bench:pacing — ${scenarios.length} scenarios × ${POLICIES.length + 2} policies × ${args.seeds} seeds (evaluation seeds 1000…), ` +
      `target ${(args.target * 100).toFixed(2)}%, tuned ratio and tuned VICIdial level on ${args.tuneSeeds} seeds (9000…), ${args.workers} worker threads`,
  );
  closedForm();
  const sim = cpuSecondsPerDay(() => new ProgressivePacer(), 5);
  const ours = cpuSecondsPerDay(() => new PredictivePacer(), 3);
  console.log(
    `simulator speed, one 8 h day of 50 agents (median CPU, measured now): ${sim.toFixed(2)} s with the progressive pacer ` +
      `(the simulator itself), ${ours.toFixed(2)} s with the predictive pacer (its once-a-second forecast included)`,
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scenarios = loadScenarios(args, join(here, '..', 'scenarios'));
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
    writeFileSync(join(out, 'pacing.svg'), toSvg(rows, args.target));
    console.log(
      `wrote bench/out/pacing.csv and bench/out/pacing.svg; wall time ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  } finally {
    await pool.close();
  }
}

await main();
