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
  postFrontier: TuneResult;
  timelines: Map<string, Timeline>;
}

export interface ScenarioResult {
  scenario: Scenario;
  rows: Row[];
  /** VICIdial (TAPERED) with its maximum dial level tuned offline on the tuning seeds. */
  vicidialTuned: { best: GridTrial; trials: GridTrial[] };
  /**
   * Ours re-run with its target set to the strongest VICIdial mode's own mean abandon rate, when
   * ours spent more than it: the occupancy comparison "at equal or lower abandon".
   */
  matched: Row | undefined;
  frontier: TuneResult;
  drift: DriftData | undefined;
}

/** A drift worth analysing: one that starts after the day has settled (not a curve from hour 0). */
function analysedDrift(s: Scenario): DriftSpan | undefined {
  const span = driftSpan(s);
  return span && span.onsetHour > 0 && s.days === 1 ? span : undefined;
}

/** Bisection of the dial ratio on the tuning seeds; every step's runs go first in the pool. */
function frontierOf(pool: SimPool, s: Scenario, cfg: BenchSettings): Promise<TuneResult> {
  return tuneRatio(
    async (ratio) => {
      const runs = await Promise.all(
        Array.from({ length: cfg.tuneSeeds }, (_, k) =>
          pool.run(
            { scenario: s, policy: 'ratio', ratio, label: 'ratio', seed: TUNE_SEED + k, target: cfg.target },
            true,
          ),
        ),
      );
      return { ratio, ...pooled(runs) };
    },
    // Up to 8 lines per counted agent: a world with a 5% answer rate needs more than VICIdial's 3.0.
    { target: cfg.target, max: 8 },
  );
}

function evaluate(
  pool: SimPool,
  s: Scenario,
  cfg: BenchSettings,
  job: Pick<Job, 'label' | 'policy' | 'ratio' | 'abandonTarget'>,
  timeline: boolean,
): Promise<RunResult[]> {
  return Promise.all(
    Array.from({ length: cfg.seeds }, (_, k) =>
      pool.run({ ...job, scenario: s, seed: EVAL_SEED + k, timeline, target: cfg.target }),
    ),
  );
}

/** The matched run: ours at the strongest VICIdial mode's abandon rate, if ours spent more. */
async function matchedRow(
  pool: SimPool,
  s: Scenario,
  cfg: BenchSettings,
  rows: readonly Row[],
): Promise<Row | undefined> {
  const ours = rows.find((r) => r.policy === 'predictive');
  const vici = bestVicidial(rows, cfg.target)?.row;
  if (!ours || !vici || ours.abandon <= vici.abandon || vici.abandon <= 0) return undefined;
  const target = Math.min(cfg.target, vici.abandon);
  const label = `predictive@${(100 * target).toFixed(2)}%`;
  const runs = await evaluate(pool, s, cfg, { label, policy: 'predictive', abandonTarget: target }, false);
  return aggregate(runs, s.agents, cfg.target);
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

/** Every policy on the evaluation seeds, the tuned-ratio bound, and the drift analysis. */
export async function benchScenario(pool: SimPool, s: Scenario, cfg: BenchSettings): Promise<ScenarioResult> {
  const span = analysedDrift(s);
  const withTimeline = span !== undefined;
  const policyRuns = POLICIES.map((p) =>
    evaluate(pool, s, cfg, { label: p.name, policy: p.name }, withTimeline),
  );
  const frontierRuns = frontierOf(pool, s, cfg).then(async (f) => ({
    f,
    runs: await evaluate(
      pool,
      s,
      cfg,
      { label: `tuned-${f.best.ratio.toFixed(3)}`, policy: 'ratio', ratio: f.best.ratio },
      withTimeline,
    ),
  }));
  // The world after the drift is stationary: half a day is enough to tune a ratio on it.
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
  const post = span ? { ...postDriftScenario(s), hoursPerDay: Math.min(4, s.hoursPerDay) } : undefined;
  const postFrontier = post ? frontierOf(pool, post, cfg) : undefined;
  const all = await Promise.all(policyRuns);
  const { f, runs: tunedRuns } = await frontierRuns;
  const { t: vt, runs: viciRuns } = await viciTuned;
  const groups = [...all.slice(0, -1), viciRuns, tunedRuns, ...all.slice(-1)];
  const rows = groups.map((runs) => aggregate(runs, s.agents, cfg.target));
  const matched = await matchedRow(pool, s, cfg, rows);
  let drift: DriftData | undefined;
  if (span && post && postFrontier) {
    const timelines = new Map<string, Timeline>();
    for (const runs of groups) {
      const name = runs[0]?.policy ?? '?';
      timelines.set(name, poolTimelines(runs.flatMap((r) => (r.timeline ? [r.timeline] : []))));
    }
    drift = { span, post, postFrontier: await postFrontier, timelines };
  }
  return { scenario: s, rows, vicidialTuned: vt, matched, frontier: f, drift };
}
