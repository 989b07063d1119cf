import type { Knex } from 'knex';

export interface SoakArgs {
  minutes: number;
  agents: number;
  talkSec: [number, number];
  /** Write heap snapshots at minute 1 and the end into this directory. */
  snapshots?: string;
}

/** `--minutes N` (10), `--agents K` (10), `--talk MIN-MAX` (3-8), `--snapshots DIR`. */
export function parseSoakArgs(argv: readonly string[]): SoakArgs {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv[i + 1];
  };
  for (const [i, a] of argv.entries()) {
    const isValue = i > 0 && ['--minutes', '--agents', '--talk', '--snapshots'].includes(argv[i - 1] ?? '');
    if (!isValue && !['--minutes', '--agents', '--talk', '--snapshots'].includes(a))
      throw new Error(`unknown option ${a}; known: --minutes N --agents K --talk MIN-MAX --snapshots DIR`);
  }
  const int = (name: string, fallback: number): number => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer, got "${v}"`);
    return n;
  };
  const talk = /^(\d+)-(\d+)$/.exec(value('--talk') ?? '3-8');
  if (!talk) throw new Error(`--talk needs MIN-MAX seconds, got "${value('--talk')}"`);
  return {
    minutes: int('--minutes', 10),
    agents: Math.min(int('--agents', 10), 12),
    talkSec: [Number(talk[1]), Number(talk[2])],
    snapshots: value('--snapshots'),
  };
}

/** A predictive campaign on the lab carrier, open all day, one attempt per lead, 1 s wrap-up. */
export async function insertPredictiveCampaign(db: Knex): Promise<number> {
  const [c] = await db('campaigns')
    .insert({
      id: 100_000 + Math.floor(Math.random() * 1e8),
      code: 'soak',
      name: 'Soak (predictive)',
      status: 'active',
      purpose: 'care',
      dial_mode: 'predictive',
      trunk: 'lab-carrier',
      max_attempts: 1,
      settings: {
        engine: { ringTimeoutSec: 15, wrapUpSec: 1, amd: false },
        window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
      },
    })
    .returning<{ id: number }[]>('id');
  if (!c) throw new Error('campaign insert returned nothing');
  return c.id;
}
