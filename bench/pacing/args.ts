import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { makeScenario } from '../../src/sim/scenario.js';
import type { Scenario } from '../../src/sim/scenario.js';
import type { BenchSettings } from './scenario-bench.js';

/** The command line of bench:pacing, checked once. */
export interface Args extends BenchSettings {
  quick: boolean;
  /** --scenario values: a file path (ends in .json) or a name in bench/scenarios; empty = all. */
  scenarios: string[];
  workers: number;
}

function value(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
  return v;
}

function intArg(argv: readonly string[], flag: string, fallback: number, min: number): number {
  const raw = value(argv, flag);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${flag} needs an integer ≥ ${min}, got ${raw}`);
  return v;
}

/** --target as a fraction (0.01 = 1%); "1%" is read as 0.01 too. */
function targetArg(argv: readonly string[]): number {
  const raw = value(argv, '--target');
  if (raw === undefined) return 0.03;
  const v = raw.endsWith('%') ? Number(raw.slice(0, -1)) / 100 : Number(raw);
  if (!Number.isFinite(v) || v <= 0 || v >= 0.5)
    throw new Error(`--target needs a fraction in (0, 0.5), e.g. 0.01 or 1%, got ${raw}`);
  return v;
}

function allValues(argv: readonly string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== flag) continue;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    out.push(v);
  }
  return out;
}

const KNOWN = new Set(['--quick', '--target', '--scenario', '--seeds', '--tune-seeds', '--workers']);

export function parseArgs(argv: readonly string[]): Args {
  for (const a of argv) if (a.startsWith('--') && !KNOWN.has(a)) throw new Error(`unknown flag ${a}`);
  const quick = argv.includes('--quick');
  return {
    quick,
    target: targetArg(argv),
    seeds: intArg(argv, '--seeds', quick ? 3 : 30, 1),
    tuneSeeds: intArg(argv, '--tune-seeds', quick ? 4 : 10, 1),
    workers: intArg(argv, '--workers', availableParallelism(), 0),
    scenarios: allValues(argv, '--scenario'),
  };
}

function readScenario(file: string): Scenario {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`scenario ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`scenario ${file}: needs a JSON object with Scenario fields`);
  const partial = parsed as Partial<Scenario>;
  return makeScenario({ ...partial, name: partial.name ?? basename(file, '.json') });
}

/** The scenarios to run: every file in `dir`, or the ones named / given as paths. */
export function loadScenarios(args: Pick<Args, 'scenarios' | 'quick'>, dir: string): Scenario[] {
  const byName = (): Map<string, string> =>
    new Map(
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => [basename(f, '.json'), join(dir, f)]),
    );
  let files: string[];
  if (args.scenarios.length === 0) files = [...byName().values()];
  else {
    const names = byName();
    files = args.scenarios.map((s) => {
      if (s.endsWith('.json')) return resolve(s);
      const f = names.get(s);
      if (!f)
        throw new Error(`no scenario named ${s} in ${dir} (give a path ending in .json for another file)`);
      return f;
    });
  }
  const all = files.map(readScenario);
  return all.map((s) => (args.quick ? { ...s, days: Math.min(s.days, 2) } : s));
}
