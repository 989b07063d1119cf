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

/** One line per offline-tuned fixed family: its parameter, tuning and evaluation figures. */
function familyLines(r: ScenarioResult, seeds: string): string[] {
  return r.families.map((f) => {
    const t = f.tune.best;
    const what =
      f.family === 'ratio'
        ? 'ratio × (ready + talking) − calls up'
        : 'k × idle agents − calls ringing or waiting';
    return (
      `  ${f.row.policy}: ${what}, tuned by bisection on ${seeds} to ${pctText(t.abandonRate, 2)} (occ ${pctText(t.occupancy)} there; ` +
      `${pctText(f.row.occupancy)} at ${pctText(f.row.abandon, 2)} on the evaluation seeds)${f.tune.capped ? ' [capped at the top value]' : ''}`
    );
  });
}

/** Ours against a baseline as run, and matched (ours at the baseline's abandon) when there is a matched row. */
function against(name: string, ours: Row, other: Row, matched: ReadonlyMap<string, Row>): string {
  const m = matched.get(other.policy);
  let line =
    `  ours vs ${name} ${other.policy}: ${points(ours.occupancy - other.occupancy)} occupancy points at abandon ` +
    `${pctText(ours.abandon, 2)} vs ${pctText(other.abandon, 2)} — ${verdictText(ours, other)}`;
  if (m && !beats(ours, other) && m.abandon <= other.abandon + 1e-12)
    line += `; matched (${m.policy}): ${points(m.occupancy - other.occupancy)} points at ${pctText(m.abandon, 2)} — ${verdictText(m, other)}`;
  return line;
}

/** The verdict lines: ours against the strongest VICIdial mode, the offline-tuned frontier and the limit. */
function verdict(r: ScenarioResult, cfg: BenchSettings): string[] {
  const ours = r.rows.find((x) => x.policy === 'predictive');
  const vici = bestVicidial(r.rows, r.target);
  if (!ours || !vici) return [];
  const vt = r.vicidialTuned.best;
  const seeds = `seeds ${TUNE_SEED}–${TUNE_SEED + cfg.tuneSeeds - 1}`;
  const f = r.frontier;
  const cap = r.hourlyCap;
  return [
    `  vicidial-max${vt.value.toFixed(1)}: ADAPT_TAPERED with adaptive_maximum_level tuned offline over ` +
      `${VICIDIAL_LEVEL_GRID.join('/')} on ${seeds} (most occupancy at ≤ ${pctText(r.target, 0)}: ` +
      `${pctText(vt.occupancy)} at ${pctText(vt.abandonRate, 2)} there)`,
    ...familyLines(r, seeds),
    `  frontier = the best offline-tuned policy of any family (most tuning-seed occupancy at ≤ ${pctText(r.target, 0)}): ${f.label}`,
    against(`the strongest VICIdial variant (${vici.rule})`, ours, vici.row, r.matched),
    against('the frontier', ours, f.row, r.matched),
    ...(cap
      ? [
          `  hourly cap on (no rolling hour over ${pctText(r.target + 0.01, 0)}), row predictive+hcap: occ ${pctText(cap.occupancy)} ` +
            `(${points(cap.occupancy - ours.occupancy)} vs cap off) at ${pctText(cap.abandon, 2)}, worst hour ${pctText(cap.worst1h, 2)} (cap off: ${pctText(ours.worst1h, 2)})`,
        ]
      : []),
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
    `  drift ${d.span.onsetHour} h → ${d.span.endHour} h; frontier of the world after it (the better tuned family): ${d.postFrontier.label}` +
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
    header(r, r.target),
    formatTable([...r.rows, ...new Set(r.matched.values()), ...(r.hourlyCap ? [r.hourlyCap] : [])]),
    ...verdict(r, cfg),
  ];
  if (r.drift) parts.push(...driftTable(r.drift, r.rows, r.target));
  return parts.join('\n');
}

/** Ours minus the frontier, in occupancy points, and the two abandon rates: the margin of one scenario. */
function margin(r: ScenarioResult): string {
  const o = r.rows.find((x) => x.policy === 'predictive');
  const f = r.frontier.row;
  if (!o) return `${r.scenario.name} ?`;
  const fm = r.matched.get(f.policy);
  const m = fm && !beats(o, f) && fm.abandon <= f.abandon + 1e-12 ? fm : undefined;
  const shown = m ?? o;
  return (
    `${r.scenario.name} ${points(shown.occupancy - f.occupancy)} (${pctText(shown.abandon, 2)} vs ${pctText(f.abandon, 2)} of ${f.policy}` +
    `${m ? ', matched' : ''}${beats(shown, f) ? '' : ', NOT ahead at ≤ its abandon'})`
  );
}

/** The closing lines: the acceptance checks of issues #6 and #15 over all scenarios. */
export function summary(results: readonly ScenarioResult[]): string[] {
  const bad = results.filter((r) => (r.rows.find((x) => x.policy === 'predictive')?.violations ?? 1) > 0);
  const big = results.filter((r) => r.scenario.agents >= 20);
  const lost = big.filter((r) => {
    const o = r.rows.find((x) => x.policy === 'predictive');
    const v = bestVicidial(r.rows, r.target);
    const m = v ? r.matched.get(v.row.policy) : undefined;
    return !o || !v || !(beats(o, v.row) || (m !== undefined && beats(m, v.row)));
  });
  const realised = results.map((r) => {
    const o = r.rows.find((x) => x.policy === 'predictive');
    return `${r.scenario.name} ${o ? (100 * (o.abandon / r.target)).toFixed(0) : '?'}% of ${pctText(r.target, 0)}`;
  });
  const vici = results.flatMap((r) => r.rows.filter((x) => x.policy.startsWith('vicidial-')));
  return [
    `\npredictive: seeds with a 24 h or 30-day window over the target: ${bad.length === 0 ? 'none in any scenario' : bad.map((r) => r.scenario.name).join(', ')}`,
    `predictive vs the frontier (best offline-tuned policy), occupancy points, as run or matched: ${results.map(margin).join('; ')}`,
    `predictive: share of the target realised (mean abandon ÷ target): ${realised.join(', ')}`,
    `predictive beats the strongest VICIdial variant (more occupancy at equal or lower abandon, as run or matched) in every scenario with N ≥ 20: ` +
      `${lost.length === 0 ? `yes (${big.length} of ${big.length})` : `NO: ${lost.map((r) => r.scenario.name).join(', ')}`}`,
    `VICIdial-style seeds over the target in a 24 h / 30-day window: ` +
      vici
        .map((r) => `${r.scenario} ${r.policy.replace('vicidial-', '')} ${r.violations}/${r.seeds}`)
        .join(', '),
  ];
}
