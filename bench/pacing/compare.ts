import type { Row } from './aggregate.js';

/** Which VICIdial variant ours is compared with, and the rule that picked it. */
export interface Baseline {
  row: Row;
  rule: string;
}

/**
 * The strongest VICIdial variant (its three drop-limit modes, and TAPERED with the maximum level
 * tuned offline), so ours is not measured against a strawman: the highest occupancy among the
 * variants whose mean abandon rate is within the target; when none is, the highest occupancy of
 * all of them (ours then also has to beat it on abandon to "win").
 */
export function bestVicidial(rows: readonly Row[], target: number): Baseline | undefined {
  const modes = rows.filter((r) => r.policy.startsWith('vicidial-'));
  const within = modes.filter((r) => r.abandon <= target + 1e-12);
  const pool = within.length > 0 ? within : modes;
  const row = pool.reduce<Row | undefined>((b, r) => (!b || r.occupancy > b.occupancy ? r : b), undefined);
  if (!row) return undefined;
  const rule =
    within.length > 0
      ? `the VICIdial variant with the most occupancy at mean abandon ≤ ${pctText(target)}`
      : `no VICIdial variant within ${pctText(target)} on average; the one with the most occupancy`;
  return { row, rule };
}

/** Does ours beat the row: more occupancy at an equal or lower mean abandon rate? */
export function beats(ours: Row, other: Row): boolean {
  return ours.occupancy > other.occupancy && ours.abandon <= other.abandon + 1e-12;
}

export function pctText(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}

export function points(x: number): string {
  const p = 100 * x;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}`;
}

/**
 * The verdict word of ours against another row, true to both axes: it names what ours is short
 * of (occupancy, or an equal-or-lower abandon rate), never "more abandons" when ours has fewer.
 */
export function verdictText(ours: Row, other: Row): string {
  const fewerOrEqual = ours.abandon <= other.abandon + 1e-12;
  const more = ours.occupancy > other.occupancy;
  if (more && fewerOrEqual) return 'BEATS it';
  if (more) return 'more occupancy, but more abandons than it';
  if (fewerOrEqual) return 'fewer or equal abandons, but less occupancy than it';
  return 'LOSES to it (less occupancy, more abandons)';
}
