import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeScenario, physicalLimit } from '../../src/sim/scenario.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { erlangOpenLoopOccupancy, progressiveOccupancy } from '../../src/sim/reference.js';
import { simulate } from '../../src/sim/simulator.js';
import { aggregate } from './aggregate.js';
import type { Row } from './aggregate.js';
import { formatTable, toCsv, toSvg } from './output.js';
import { POLICIES } from './policies.js';

const TARGET = 0.03;
const here = dirname(fileURLToPath(import.meta.url));

interface Args {
  quick: boolean;
  seeds: number;
  only: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const quick = argv.includes('--quick');
  const i = argv.indexOf('--seeds');
  const j = argv.indexOf('--scenario');
  const seeds = i >= 0 ? Number(argv[i + 1]) : quick ? 3 : 10;
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error('--seeds needs a positive integer');
  return { quick, seeds, only: j >= 0 ? argv[j + 1] : undefined };
}

function loadScenarios(args: Args): Scenario[] {
  const dir = join(here, '..', 'scenarios');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => makeScenario(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Partial<Scenario>))
    .filter((s) => !args.only || s.name === args.only)
    .map((s) => (args.quick ? { ...s, days: Math.min(s.days, 2) } : s));
}

function runScenario(s: Scenario, seeds: number): Row[] {
  return POLICIES.map((p) => {
    const runs = Array.from({ length: seeds }, (_, k) => simulate(s, p.make(s), 1000 + k));
    return aggregate(runs, s.agents, TARGET);
  });
}

function verdict(rows: readonly Row[], limit: number): string {
  const ours = rows.find((r) => r.policy === 'predictive');
  const vici = rows.find((r) => r.policy === 'vicidial-adapt');
  if (!ours || !vici) return '';
  const margin = 100 * (ours.occupancy - vici.occupancy);
  const lowerAbandon = ours.abandon <= vici.abandon;
  return (
    `  ours vs vicidial: ${margin >= 0 ? '+' : ''}${margin.toFixed(1)} occupancy points at abandon ` +
    `${(100 * ours.abandon).toFixed(2)}% vs ${(100 * vici.abandon).toFixed(2)}% (${lowerAbandon ? 'equal or lower' : 'HIGHER'}); ` +
    `distance to clairvoyant bound ${(100 * (limit - ours.occupancy)).toFixed(1)} points`
  );
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const scenarios = loadScenarios(args);
  const all: Row[] = [];
  const started = performance.now();
  console.log(
    `bench:pacing — ${scenarios.length} scenarios × ${POLICIES.length} policies × ${args.seeds} seeds, target ${TARGET * 100}%`,
  );
  console.log(
    `progressive closed form (benchmarks.md reference setup): ρ = ${progressiveOccupancy({ p: 0.25, meanFailedSeconds: 17.9, meanAnswerSeconds: 10, meanHandleSeconds: 135 }).toFixed(3)}`,
  );
  for (const s of scenarios) {
    const t0 = performance.now();
    const rows = runScenario(s, args.seeds);
    all.push(...rows);
    const limit = physicalLimit(s);
    console.log(
      `\n## ${s.name}: N=${s.agents}, ${s.days} day(s) × ${s.hoursPerDay} h — physical limit (= clairvoyant bound) ${(100 * limit).toFixed(1)}%, ` +
        `Erlang-B open loop at 3%: busy ρ ${(100 * erlangOpenLoopOccupancy(s.agents, TARGET)).toFixed(1)}% (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    console.log(formatTable(rows));
    console.log(verdict(rows, limit));
  }
  const out = join(here, '..', 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'pacing.csv'), toCsv(all));
  writeFileSync(join(out, 'pacing.svg'), toSvg(all, TARGET));
  const ours = all.filter((r) => r.policy === 'predictive');
  const bad = ours.filter((r) => r.violations > 0).map((r) => r.scenario);
  console.log(
    `\npredictive window violations (24 h / 30 d over ${TARGET * 100}%): ${bad.length === 0 ? 'none' : bad.join(', ')}`,
  );
  console.log(
    `wrote bench/out/pacing.csv and bench/out/pacing.svg in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

main();
