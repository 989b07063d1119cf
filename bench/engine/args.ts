import type { LoadPlan } from './originate-engine.js';

export const PARTS = ['connect', 'load', 'memory', 'selection', 'import', 'freeswitch'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchArgs {
  quick: boolean;
  seed: number;
  parts: ReadonlySet<Part>;
  agents: number;
  /** Part 1: calls the engine places, and the bare-ARI baseline's calls. */
  connectCalls: number;
  baselineCalls: number;
  talkSec: [number, number];
  wrapUpSec: number;
  /** Part 2: short calls to find the originate ceiling, long ones to hold many calls up. */
  rate: LoadPlan;
  concurrency: LoadPlan;
  /** Part 4: list sizes, timed claims per size, leads per claim. */
  leadSizes: number[];
  claims: number;
  claimLimit: number;
  importRows: number;
  /** Part 3's baseline: calls of the same engine on the fake PBX. */
  memoryCalls: number;
  /** Part 6 (FreeSWITCH): answer → agent calls of the engine and of the bare ESL client; the rate plan. */
  fsConnectCalls: number;
  fsBaselineCalls: number;
  fsRate: LoadPlan;
}

/** The trunk's calls-per-second limit for the benchmark (the lab's default trunk has 20). */
export const BENCH_CPS = 200;

function intFlag(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`${name} needs a positive integer, got "${argv[i + 1]}"`);
  return v;
}

/**
 * The command line: `--quick` (small load for development), `--parts connect,load,memory,selection,import,freeswitch`,
 * `--calls N` (part 1), `--leads-10m` (adds a 10,000,000-lead list to part 4), `--import-rows N`,
 * `--seed N`.
 */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const known = new Set(['--quick', '--leads-10m', '--parts', '--calls', '--import-rows', '--seed']);
  for (const [i, a] of argv.entries()) {
    const valueOf = i > 0 && ['--parts', '--calls', '--import-rows', '--seed'].includes(argv[i - 1] ?? '');
    if (!valueOf && !known.has(a)) throw new Error(`unknown option ${a}; known: ${[...known].join(' ')}`);
  }
  const quick = argv.includes('--quick');
  const p = argv.indexOf('--parts');
  const parts = new Set<Part>();
  for (const name of p >= 0 ? (argv[p + 1] ?? '').split(',') : PARTS) {
    if (!(PARTS as readonly string[]).includes(name))
      throw new Error(`--parts: unknown part "${name}"; parts: ${PARTS.join(',')}`);
    parts.add(name as Part);
  }
  const connectCalls = intFlag(argv, '--calls', quick ? 100 : 1_000);
  const rateCalls = quick ? 300 : 2_000;
  const concurrencyChannels = quick ? 40 : 150;
  const concurrencyHold = quick ? 10 : 15;
  const concurrencyCalls = Math.round(concurrencyChannels * 2.5);
  return {
    quick,
    seed: intFlag(argv, '--seed', 1),
    parts,
    agents: 12,
    connectCalls,
    baselineCalls: quick ? 36 : Math.max(36, Math.round(connectCalls / 4)),
    talkSec: [1, 3],
    wrapUpSec: 1,
    rate: {
      name: 'rate',
      calls: rateCalls,
      holdSec: 1,
      maxChannels: quick ? 60 : 150,
      cps: BENCH_CPS,
      deadlineSec: Math.round(rateCalls / 5) + 60,
    },
    concurrency: {
      name: 'concurrency',
      calls: concurrencyCalls,
      holdSec: concurrencyHold,
      maxChannels: concurrencyChannels,
      cps: BENCH_CPS,
      deadlineSec: Math.round(concurrencyCalls / 5) + 3 * concurrencyHold + 60,
    },
    leadSizes: [10_000, quick ? 200_000 : 1_000_000, ...(argv.includes('--leads-10m') ? [10_000_000] : [])],
    claims: quick ? 30 : 200,
    claimLimit: 40,
    importRows: intFlag(argv, '--import-rows', quick ? 100_000 : 1_000_000),
    memoryCalls: quick ? 300 : 1_500,
    fsConnectCalls: quick ? 60 : 300,
    fsBaselineCalls: quick ? 36 : 75,
    fsRate: {
      name: 'rate',
      calls: quick ? 300 : 1_000,
      holdSec: 1,
      maxChannels: quick ? 60 : 120,
      cps: BENCH_CPS,
      deadlineSec: Math.round((quick ? 300 : 1_000) / 5) + 60,
    },
  };
}
