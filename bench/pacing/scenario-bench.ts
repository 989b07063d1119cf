import { driftSpan, poolTimelines, postDriftScenario } from '../../src/sim/drift.js';
import type { DriftSpan } from '../../src/sim/drift.js';
import { tuneOnGrid, tuneRatio } from '../../src/sim/frontier.js';
import type { GridTrial, TuneResult } from '../../src/sim/frontier.js';
import type { Timeline } from '../../src/sim/metrics.js';
import type { Scenario } from '../../src/sim/scenario.js';
import type { RunResult } from '../../src/sim/simulator.js';
import { aggregate, pooled } from './aggregate.js';
import type { Row } from './aggregate.js';
import { POLICIES, VICIDIAL_LEVEL_GRID } from './policies.js';
import { bestVicidial } from './compare.js';
import type { Job } from './jobs.js';
import type { SimPool } from './pool.js';

/** Seeds: evaluation 1000…, tuning 9000… — disjoint, so the frontier is not fitted to the rows it is compared with. */
export const EVAL_SEED = 1000;
export const TUNE_SEED = 9000;

export interface BenchSettings {
  target: number;
  seeds: number;
  tuneSeeds: number;
}

/** Drift analysis inputs of one scenario: the span, the frontier of the world after it, pooled timelines. */
export interface DriftData {
  span: DriftSpan;
  post: Scenario;
  postFrontier: { label: string; best: { abandonRate: number; occupancy: number }; capped: boolean };
  timelines: Map<string, Timeline>;
}

export interface ScenarioResult {
  scenario: Scenario;
  /** The target this scenario ran at: its own `abandonTarget`, else the run's. */
  target: number;
  rows: Row[];
  /** VICIdial (TAPERED) with its maximum dial level tuned offline on the tuning seeds. */
  vicidialTuned: { best: GridTrial; trials: GridTrial[] };
  /**
   * Ours re-run with its target set to a baseline's own mean abandon rate, when ours spent more
   * than it (keyed by the baseline's row): the comparison "at equal or lower abandon".
   */
  matched: Map<string, Row>;
  /** Each fixed family tuned offline, with its evaluation row. */
  families: FamilyResult[];
  /**
   * The frontier: the best offline-tuned policy of any family (ratio, idle, VICIdial's tuned
   * maximum level), picked by its tuning-seed occupancy at ≤ target — chosen offline, then
   * shown on the evaluation seeds.
   */
  frontier: { label: string; tuning: { abandonRate: number; occupancy: number }; row: Row };
  /** Ours with the optional hourly cap (target + 1 point) on, where the scenario asks for it. */
  hourlyCap: Row | undefined;
  drift: DriftData | undefined;
}

/** A drift worth analysing: one that starts after the day has settled (not a curve from hour 0). */
function analysedDrift(s: Scenario): DriftSpan | undefined {
  const span = driftSpan(s);
  return span && span.onsetHour > 0 && s.days === 1 ? span : undefined;
}

/** The offline-tuned families of fixed policies the frontier is the best of (besides VICIdial's tuned level). */
export type Family = 'ratio' | 'idle';

/** A family tuned on the tuning seeds and its row on the evaluation seeds. */
export interface FamilyResult {
  family: Family;
  tune: TuneResult;
  row: Row;
}

/**
 * Bisection of a family's one parameter on the tuning seeds (every step's runs go first in the
 * pool): `ratio` × (ready + talking agents) − calls up, VICIdial's RATIO; or `idle`: k × idle
 * agents − calls ringing or waiting. Idle agents times a factor needs more room: a 5% answer
 * rate wants ~20 lines per idle agent.
 */
function tuneFamily(pool: SimPool, s: Scenario, cfg: BenchSettings, family: Family): Promise<TuneResult> {
  return tuneRatio(
    async (ratio) => {
      const runs = await Promise.all(
        Array.from({ length: cfg.tuneSeeds }, (_, k) =>
          pool.run(
            { scenario: s, policy: family, ratio, label: family, seed: TUNE_SEED + k, target: cfg.target },
            true,
          ),
        ),
      );
      return { ratio, ...pooled(runs) };
    },
    { target: cfg.target, max: family === 'ratio' ? 8 : 24 },
  );
}

export function familyLabel(family: Family, value: number): string {
  return family === 'ratio' ? `tuned-${value.toFixed(3)}` : `tuned-idle×${value.toFixed(2)}`;
}

/** The best of several tuning results: most occupancy at ≤ target on the tuning seeds (else the least abandon). */
export function bestTuned<T extends { abandonRate: number; occupancy: number }>(
  xs: readonly T[],
  target: number,
): T | undefined {
  const within = xs.filter((x) => x.abandonRate <= target + 1e-12);
  if (within.length > 0) return within.reduce((b, x) => (x.occupancy > b.occupancy ? x : b));
  return xs.reduce<T | undefined>((b, x) => (!b || x.abandonRate < b.abandonRate ? x : b), undefined);
}

function evaluate(
  pool: SimPool,
  s: Scenario,
  cfg: BenchSettings,
  job: Pick<Job, 'label' | 'policy' | 'ratio' | 'abandonTarget' | 'hourlyCap'>,
  timeline: boolean,
): Promise<RunResult[]> {
  return Promise.all(
    Array.from({ length: cfg.seeds }, (_, k) =>
      pool.run({ ...job, scenario: s, seed: EVAL_SEED + k, timeline, target: cfg.target }),
    ),
  );
}

/**
 * The matched runs: for each baseline (the strongest VICIdial variant, the frontier) that spent
 * fewer abandons than ours, ours again with its target set to that baseline's mean abandon, so
 * the comparison is at equal or lower abandon. Keyed by the baseline's row name.
 */
async function matchedRows(
  pool: SimPool,
  s: Scenario,
  cfg: BenchSettings,
  ours: Row | undefined,
  baselines: readonly (Row | undefined)[],
): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  if (!ours) return out;
  const byTarget = new Map<string, { target: number; names: string[] }>();
  for (const b of baselines) {
    if (!b || b.abandon >= ours.abandon || b.abandon <= 0) continue;
    const target = Math.min(cfg.target, b.abandon);
    const label = `predictive@${(100 * target).toFixed(2)}%`;
    const e = byTarget.get(label) ?? { target, names: [] };
    e.names.push(b.policy);
    byTarget.set(label, e);
  }
  await Promise.all(
    [...byTarget].map(async ([label, e]) => {
      const runs = await evaluate(
        pool,
        s,
        cfg,
        { label, policy: 'predictive', abandonTarget: e.target },
        false,
      );
      const row = aggregate(runs, s.agents, cfg.target);
      for (const n of e.names) out.set(n, row);
    }),
  );
  return out;
}

/** VICIdial's maximum level tuned offline: the most occupancy at ≤ target on the tuning seeds. */
function tunedVicidialOf(
  pool: SimPool,
  s: Scenario,
  cfg: BenchSettings,
): Promise<{ best: GridTrial; trials: GridTrial[] }> {
  return tuneOnGrid(
    async (level) => {
      const runs = await Promise.all(
        Array.from({ length: cfg.tuneSeeds }, (_, k) =>
          pool.run(
            {
              scenario: s,
              policy: 'vicidial-tuned',
              ratio: level,
              label: 'vt',
              seed: TUNE_SEED + k,
              target: cfg.target,
            },
            true,
          ),
        ),
      );
      return { value: level, ...pooled(runs) };
    },
    VICIDIAL_LEVEL_GRID,
    cfg.target,
  );
}

/** A family tuned, then run on the evaluation seeds. */
async function familyRun(
  pool: SimPool,
  s: Scenario,
  cfg: BenchSettings,
  family: Family,
  timeline: boolean,
): Promise<{ result: Omit<FamilyResult, 'row'>; runs: RunResult[] }> {
  const tune = await tuneFamily(pool, s, cfg, family);
  const label = familyLabel(family, tune.best.ratio);
  const runs = await evaluate(pool, s, cfg, { label, policy: family, ratio: tune.best.ratio }, timeline);
  return { result: { family, tune }, runs };
}

/** The frontier of the world after a drift: the better of the two families, tuned on it. */
async function postDriftFrontier(
  pool: SimPool,
  post: Scenario,
  cfg: BenchSettings,
): Promise<DriftData['postFrontier']> {
  const tuned = await Promise.all((['ratio', 'idle'] as const).map((f) => tuneFamily(pool, post, cfg, f)));
  const options = tuned.map((t, k) => ({
    ...t.best,
    label: familyLabel(k === 0 ? 'ratio' : 'idle', t.best.ratio),
    capped: t.capped,
  }));
  const best = bestTuned(options, cfg.target) ?? options[0];
  if (!best) throw new Error('no post-drift frontier');
  return { label: best.label, best, capped: best.capped };
}

/** Every policy on the evaluation seeds, the offline-tuned frontier, and the drift analysis. */
export async function benchScenario(
  pool: SimPool,
  s: Scenario,
  settings: BenchSettings,
): Promise<ScenarioResult> {
  const cfg = { ...settings, target: s.abandonTarget ?? settings.target };
  const span = analysedDrift(s);
  const withTimeline = span !== undefined;
  const policyRuns = POLICIES.map((p) =>
    evaluate(pool, s, cfg, { label: p.name, policy: p.name }, withTimeline),
  );
  const familyRuns = (['ratio', 'idle'] as const).map((f) => familyRun(pool, s, cfg, f, withTimeline));
  const viciTuned = tunedVicidialOf(pool, s, cfg).then(async (t) => ({
    t,
    runs: await evaluate(
      pool,
      s,
      cfg,
      { label: `vicidial-max${t.best.value.toFixed(1)}`, policy: 'vicidial-tuned', ratio: t.best.value },
      withTimeline,
    ),
  }));
  const capRuns = s.benchHourlyCap
    ? evaluate(
        pool,
        s,
        cfg,
        { label: 'predictive+hcap', policy: 'predictive', hourlyCap: cfg.target + 0.01 },
        false,
      )
    : undefined;
  // The world after the drift is stationary: half a day is enough to tune on it.
  const post = span ? { ...postDriftScenario(s), hoursPerDay: Math.min(4, s.hoursPerDay) } : undefined;
  const postFrontier = post ? postDriftFrontier(pool, post, cfg) : undefined;
  const all = await Promise.all(policyRuns);
  const fams = await Promise.all(familyRuns);
  const { t: vt, runs: viciRuns } = await viciTuned;
  const groups = [...all.slice(0, -1), viciRuns, ...fams.map((f) => f.runs), ...all.slice(-1)];
  const rows = groups.map((runs) => aggregate(runs, s.agents, cfg.target));
  const rowOf = (label: string): Row | undefined => rows.find((r) => r.policy === label);
  const families = fams.map((f) => {
    const row = rowOf(familyLabel(f.result.family, f.result.tune.best.ratio));
    if (!row) throw new Error('family row missing');
    return { ...f.result, row };
  });
  const viciLabel = `vicidial-max${vt.best.value.toFixed(1)}`;
  const candidates = [
    ...families.map((f) => ({ label: f.row.policy, ...f.tune.best })),
    { label: viciLabel, abandonRate: vt.best.abandonRate, occupancy: vt.best.occupancy },
  ];
  const pick = bestTuned(candidates, cfg.target);
  const frontierRow = pick ? rowOf(pick.label) : undefined;
  if (!pick || !frontierRow) throw new Error('no frontier');
  const frontier = { label: pick.label, tuning: pick, row: frontierRow };
  const ours = rowOf('predictive');
  const matched = await matchedRows(pool, s, cfg, ours, [bestVicidial(rows, cfg.target)?.row, frontierRow]);
  const hourlyCap = capRuns ? aggregate(await capRuns, s.agents, cfg.target) : undefined;
  let drift: DriftData | undefined;
  if (span && post && postFrontier) {
    const timelines = new Map<string, Timeline>();
    for (const runs of groups) {
      const name = runs[0]?.policy ?? '?';
      timelines.set(name, poolTimelines(runs.flatMap((r) => (r.timeline ? [r.timeline] : []))));
    }
    drift = { span, post, postFrontier: await postFrontier, timelines };
  }
  return {
    scenario: s,
    target: cfg.target,
    rows,
    vicidialTuned: vt,
    matched,
    families,
    frontier,
    hourlyCap,
    drift,
  };
}
