import { peakAbandon, recovery } from '../../src/sim/drift.js';
import { erlangOpenLoopOccupancy } from '../../src/sim/reference.js';
import type { Timeline } from '../../src/sim/metrics.js';
import { physicalLimit } from '../../src/sim/scenario.js';
import type { Row } from './aggregate.js';
import { beats, bestVicidial, pctText, points, verdictText } from './compare.js';
import { formatTable } from './output.js';
import type { BenchSettings, DriftData, ScenarioResult } from './scenario-bench.js';
import { VICIDIAL_LEVEL_GRID } from './policies.js';
import { TUNE_SEED } from './scenario-bench.js';

/** benchmarks.md's reference frontier of a tuned ratio, ρ ≈ 1 − 0.54/√N, as a busy share (another model). */
function referenceFrontier(agents: number): number {
  return 1 - 0.54 / Math.sqrt(agents);
}

function header(r: ScenarioResult, target: number): string {
  const s = r.scenario;
  return (
    `\n## ${s.name}: N=${s.agents}, ${s.days} day(s) × ${s.hoursPerDay} h — physical limit (= clairvoyant bound) ` +
    `${pctText(physicalLimit(s))} occ; Erlang-B open loop at ${pctText(target, 0)}: busy ` +
    `${pctText(erlangOpenLoopOccupancy(s.agents, target))}; benchmarks.md's tuned-ratio reference 1 − 0.54/√N: busy ` +
    `${pctText(referenceFrontier(s.agents))}`
  );
}

/** The verdict lines: ours against the strongest VICIdial mode, the tuned-ratio frontier and the limit. */
function verdict(r: ScenarioResult, cfg: BenchSettings): string[] {
  const ours = r.rows.find((x) => x.policy === 'predictive');
  const tuned = r.rows.find((x) => x.policy.startsWith('tuned-'));
  const vici = bestVicidial(r.rows, cfg.target);
  if (!ours || !tuned || !vici) return [];
  const v = vici.row;
  const t = r.frontier.best;
  const vt = r.vicidialTuned.best;
  const m = r.matched;
  const seeds = `seeds ${TUNE_SEED}–${TUNE_SEED + cfg.tuneSeeds - 1}`;
  return [
    `  vicidial-max${vt.value.toFixed(1)}: ADAPT_TAPERED with adaptive_maximum_level tuned offline over ` +
      `${VICIDIAL_LEVEL_GRID.join('/')} on ${seeds} (most occupancy at ≤ ${pctText(cfg.target, 0)}: ` +
      `${pctText(vt.occupancy)} at ${pctText(vt.abandonRate, 2)} there)`,
    `  ours vs ${v.policy} (${vici.rule}): ${points(ours.occupancy - v.occupancy)} occupancy points at abandon ` +
      `${pctText(ours.abandon, 2)} vs ${pctText(v.abandon, 2)} — ${verdictText(ours, v)}`,
    ...(m
      ? [
          `  matched: ours with its target set to ${v.policy}'s ${pctText(v.abandon, 2)} (row ${m.policy}): occ ${pctText(m.occupancy)} at ` +
            `${pctText(m.abandon, 2)}: ${points(m.occupancy - v.occupancy)} points — ${beats(m, v) ? 'BEATS it at equal or lower abandon' : 'does NOT beat it'}`,
        ]
      : []),
    `  tuned-ratio frontier: ratio ${t.ratio.toFixed(3)} tuned by bisection on ${seeds} ` +
      `to ${pctText(t.abandonRate, 2)} (occ ${pctText(t.occupancy)} there; ${pctText(tuned.occupancy)} at ${pctText(tuned.abandon, 2)} on the evaluation seeds)` +
      `${r.frontier.capped ? ' [capped at the top ratio]' : ''}: ours ${points(ours.occupancy - tuned.occupancy)} points`,
    `  distance to the clairvoyant bound (physical limit): ${(100 * (physicalLimit(r.scenario) - ours.occupancy)).toFixed(1)} points`,
  ];
}

/** Mean pooled occupancy over the last `minutes` of the timeline: where a policy settled. */
function settled(t: Timeline, minutes: number): number {
  const n = t.minuteLoggedSeconds.length;
  let talk = 0;
  let logged = 0;
  for (let i = Math.max(0, n - minutes); i < n; i++) {
    talk += t.minuteTalkSeconds[i] ?? 0;
    logged += t.minuteLoggedSeconds[i] ?? 0;
  }
  return logged > 0 ? talk / logged : Number.NaN;
}

function driftTable(d: DriftData, rows: readonly Row[], target: number): string[] {
  const onset = Math.round(d.span.onsetHour * 60);
  // The overshoot is looked for from the onset to an hour after the drift ends: later peaks are
  // the noise of a long day, not the drift.
  const until = Math.round(d.span.endHour * 60) + 60;
  const frontier = d.postFrontier.best;
  const out = [
    `  drift ${d.span.onsetHour} h → ${d.span.endHour} h; tuned-ratio frontier of the world after it: ratio ${frontier.ratio.toFixed(3)}` +
      `${d.postFrontier.capped ? ' (capped)' : ''}, occ ${pctText(frontier.occupancy)} (tuned on ${d.post.hoursPerDay} h of "${d.post.name}"). Curves pooled over the seeds.`,
    `  overshoot: worst 15-min abandon from the onset to 1 h after the end, over ${pctText(target, 0)}. Dip: lowest 10-min occupancy after the onset.`,
    `  recovery: minutes from the onset until the 10-min occupancy is back within 2 points of that frontier after its dip (0: never fell below). Settles at: its last 2 h.`,
    `  ${'policy'.padEnd(18)}  peak 15-min aband  overshoot  worst 24 h  occ dip  settles at  recovery`,
  ];
  for (const r of rows) {
    const t = d.timelines.get(r.policy);
    if (!t) continue;
    const peak = peakAbandon(t, onset, 15, until);
    const level = settled(t, 120);
    const toFrontier = recovery(t, onset, frontier.occupancy - 0.02, 10);
    const mins = (m: number | undefined): string => (m === undefined ? 'not back' : `${m} min`);
    const over = peak > target ? `+${(100 * (peak - target)).toFixed(2)} pts` : 'none';
    out.push(
      `  ${r.policy.padEnd(18)}  ${pctText(peak, 2).padStart(17)}  ${over.padStart(9)}  ${pctText(r.worst24h, 2).padStart(10)}  ` +
        `${pctText(toFrontier.dip).padStart(7)}  ${pctText(level).padStart(10)}  ${mins(toFrontier.minutes).padStart(8)}`,
    );
  }
  return out;
}

/** Everything printed for one scenario. */
export function scenarioReport(r: ScenarioResult, cfg: BenchSettings): string {
  const parts = [
    header(r, cfg.target),
    formatTable(r.matched ? [...r.rows, r.matched] : r.rows),
    ...verdict(r, cfg),
  ];
  if (r.drift) parts.push(...driftTable(r.drift, r.rows, cfg.target));
  return parts.join('\n');
}

/** The closing lines: the acceptance checks of issue #6 over all scenarios. */
export function summary(results: readonly ScenarioResult[], cfg: BenchSettings): string[] {
  const ours = results.flatMap((r) => r.rows.filter((x) => x.policy === 'predictive'));
  const bad = ours.filter((r) => r.violations > 0).map((r) => r.scenario);
  const big = results.filter((r) => r.scenario.agents >= 20);
  const lost = big.filter((r) => {
    const o = r.rows.find((x) => x.policy === 'predictive');
    const v = bestVicidial(r.rows, cfg.target);
    return !o || !v || !(beats(o, v.row) || (r.matched !== undefined && beats(r.matched, v.row)));
  });
  const vici = results.flatMap((r) => r.rows.filter((x) => x.policy.startsWith('vicidial-')));
  return [
    `\npredictive: seeds with a 24 h or 30-day window over ${pctText(cfg.target, 0)}: ${bad.length === 0 ? 'none in any scenario' : bad.join(', ')}`,
    `predictive beats the strongest VICIdial variant (more occupancy at equal or lower abandon, as run or matched) in every scenario with N ≥ 20: ` +
      `${lost.length === 0 ? `yes (${big.length} of ${big.length})` : `NO: ${lost.map((r) => r.scenario.name).join(', ')}`}`,
    `VICIdial-style seeds over ${pctText(cfg.target, 0)} in a 24 h / 30-day window: ` +
      vici
        .map((r) => `${r.scenario} ${r.policy.replace('vicidial-', '')} ${r.violations}/${r.seeds}`)
        .join(', '),
  ];
}
