import type { ConnectBaselineResult } from './connect-baseline.js';
import type { ConnectResult } from './connect-engine.js';
import type { ImportResult } from './import-bench.js';
import type { SelectionRow } from './lead-selection.js';
import type { FakeMemoryResult } from './memory-fake.js';
import type { LoadPlan, LoadResult } from './originate-engine.js';
import type { ReportRow } from './report.js';
import { summariseSamples } from './resources.js';
import { peakOverlap, shareAtMost, spread, sustainedRate } from './stats.js';

/** The table's short name for the same-run baseline; the header explains it. */
export const RAW = 'bare ARI';

type Add = (metric: string, unit: string, dialer: number, baseline?: number, reference?: string) => void;

function adder(rows: ReportRow[], part: string, what = RAW, tag = ''): Add {
  return (metric, unit, dialer, baseline = NaN, reference = '') =>
    rows.push({
      part,
      metric: tag ? `[${tag}] ${metric}` : metric,
      unit,
      dialer,
      baseline,
      baselineWhat: Number.isFinite(baseline) ? what : '',
      reference,
    });
}

/** Part 1: answer → customer in the agent's bridge, engine vs a bare ARI client. */
export function connectRows(e: ConnectResult, b: ConnectBaselineResult): ReportRow[] {
  const rows: ReportRow[] = [];
  const add = adder(rows, '1 answer→agent');
  add(
    'calls bridged',
    'n',
    e.bridged,
    b.bridged,
    `dialled: ${e.calls} / ${b.calls}; abandoned ${e.abandoned}`,
  );
  const gc = `bench's forced GC mid-run: ${(e.heap.gcPauseMs ?? NaN).toFixed(0)} ms`;
  add('  left out of the delays: connecting during GC', 'n', e.excludedForGc, NaN, gc);
  const er = spread(e.rowsMs);
  const br = spread(b.rowsMs);
  add('answer→bridged p50 (call rows)', 'ms', er.p50, br.p50, 'law: ≤ 2,000 ms');
  add('answer→bridged p99 (call rows)', 'ms', er.p99, br.p99, 'VICIdial: ~100 ms for 85–90%');
  add('answer→bridged max (call rows)', 'ms', er.max, br.max, 'VICIdial: 1–5% ~1.5 s, 5–10% never');
  add(
    'bridged within 100 ms',
    '%',
    100 * shareAtMost(e.rowsMs, 100),
    100 * shareAtMost(b.rowsMs, 100),
    'VICIdial: 85–90%',
  );
  add(
    'bridged within 2 s',
    '%',
    100 * shareAtMost(e.rowsMs, 2_000),
    100 * shareAtMost(b.rowsMs, 2_000),
    'law: every live answer',
  );
  const es = spread(e.shareMs);
  const bs = spread(b.shareMs);
  add("engine's share p50: event in → bridge request out", 'ms', es.p50, bs.p50);
  add("engine's share p99", 'ms', es.p99, bs.p99);
  add("engine's share max", 'ms', es.max, bs.max);
  const w = spread(e.answerWriteMs);
  add(
    '  answered_at UPDATE (beside the bridge request), p50',
    'ms',
    w.p50,
    NaN,
    'not awaited before the bridge',
  );
  add('  answered_at UPDATE p99', 'ms', w.p99);
  const ebr = spread(e.bridgeRestMs);
  const bbr = spread(b.bridgeRestMs);
  add('bridge request → PBX reply p50', 'ms', ebr.p50, bbr.p50);
  add('bridge request → PBX reply p99', 'ms', ebr.p99, bbr.p99);
  const ep = spread(e.pbxMs);
  const bp = spread(b.pbxMs);
  add('Asterisk clock: Up → EnteredBridge p50', 'ms', ep.p50, bp.p50, 'ARI event timestamps, 1 ms');
  add('Asterisk clock: Up → EnteredBridge p99', 'ms', ep.p99, bp.p99);
  add('Asterisk clock: Up → EnteredBridge max', 'ms', ep.max, bp.max);
  const d = spread(e.deliveryMs);
  add('ARI delivery: Up → answered event in dialer p50', 'ms', d.p50, NaN, 'before answered_at; not in rows');
  add('ARI delivery p99', 'ms', d.p99);
  const i = e.integrity;
  add(
    'integrity: two rows / no outcome / unarchived',
    'n',
    i.duplicateAttempts + i.withoutOutcome + i.answered - i.archived,
    NaN,
    `${i.duplicateAttempts} / ${i.withoutOutcome} / ${i.answered - i.archived}; ${e.errors.count} errors logged`,
  );
  return rows;
}

/** Part 2: sustained originations per second and concurrent calls, engine vs bare ARI. */
export function loadRows(plan: LoadPlan, e: LoadResult, b: LoadResult): ReportRow[] {
  const rows: ReportRow[] = [];
  const add = adder(rows, '2 originate', RAW, plan.name);
  const bound = plan.maxChannels / (plan.holdSec + 0.1);
  const setup = `${plan.calls} calls, hold ${plan.holdSec} s, ≤ ${plan.maxChannels} ch`;
  add(
    'sustained originates/s (middle 80%)',
    '/s',
    sustainedRate(e.originatedAt),
    sustainedRate(b.originatedAt),
    `${setup}: cap ≈ ${Math.round(bound)}/s; goal ≥ 100`,
  );
  add(
    'concurrent calls, peak',
    'calls',
    peakOverlap(e.intervals),
    peakOverlap(b.intervals),
    'stock Asterisk ~250 ± 150',
  );
  add(
    'concurrent calls, mean of 1 s samples',
    'calls',
    summariseSamples(e.samples).meanLive,
    summariseSamples(b.samples).meanLive,
    'VICIdial sizes 125 per server',
  );
  add(
    'answered / originated',
    '%',
    (100 * e.answered) / e.calls,
    (100 * b.answered) / b.calls,
    'every customer answers',
  );
  add('originates refused or failed', 'n', e.failed, b.failed, refusals(b));
  const eo = spread(e.originateRestMs);
  const bo = spread(b.originateRestMs);
  add('originate request → accepted p50', 'ms', eo.p50, bo.p50);
  add('originate request → accepted p99', 'ms', eo.p99, bo.p99);
  add('wall time', 's', e.seconds, b.seconds);
  if (e.statementsPerCall !== undefined) add('Postgres statements per call', 'n', e.statementsPerCall);
  if (e.tickMs) {
    const t = spread(e.tickMs);
    add('runner tick (feed, pace, take) p50', 'ms', t.p50, NaN, 'interval 250 ms; takes a batch');
    add('runner tick p99', 'ms', t.p99);
  }
  if (e.integrity) {
    const i = e.integrity;
    add(
      'integrity: two rows / no outcome / unarchived',
      'n',
      i.duplicateAttempts + i.withoutOutcome + i.answered - i.archived,
      NaN,
      `${i.duplicateAttempts} / ${i.withoutOutcome} / ${i.answered - i.archived}; ${e.errors?.count ?? 0} errors logged`,
    );
  }
  return rows;
}

function refusals(b: LoadResult): string {
  const r = Object.entries(b.refusals ?? {});
  return r.length ? `bare ARI: ${r.map(([k, v]) => `${k} ×${v}`).join(', ')}` : '';
}

const cpuPerCall = (r: LoadResult, key: 'cpuMs' | 'asteriskCpuMs') => {
  const s = r.samples;
  return ((s[s.length - 1]?.[key] ?? 0) - (s[0]?.[key] ?? 0)) / Math.max(1, r.calls);
};

/** Part 3: the dialer process's CPU and memory per call and per concurrent call. */
export function resourceRows(
  rate: { e: LoadResult; b: LoadResult },
  conc: { e: LoadResult; b: LoadResult },
): ReportRow[] {
  const rows: ReportRow[] = [];
  const add = adder(rows, '3 resources', 'bare ARI process');
  add(
    '[rate] dialer CPU per call',
    'ms',
    cpuPerCall(rate.e, 'cpuMs'),
    cpuPerCall(rate.b, 'cpuMs'),
    'process.cpuUsage, user + system',
  );
  add(
    '[rate] dialer CPU, % of one core',
    '%',
    summariseSamples(rate.e.samples).cpuPct,
    summariseSamples(rate.b.samples).cpuPct,
  );
  add(
    '[rate] Asterisk CPU per call',
    'ms',
    cpuPerCall(rate.e, 'asteriskCpuMs'),
    cpuPerCall(rate.b, 'asteriskCpuMs'),
    '/proc; shared lab: others count',
  );
  const ce = summariseSamples(conc.e.samples);
  const cb = summariseSamples(conc.b.samples);
  add(
    '[concurrency] dialer CPU per concurrent call',
    '%',
    ce.cpuPct / ce.meanLive,
    cb.cpuPct / cb.meanLive,
    '% of one core ÷ mean live calls',
  );
  const heapPer = (r: LoadResult) => ((r.heap.peakMb - r.heap.startMb) * 1024) / Math.max(1, r.heap.peakLive);
  add(
    '[concurrency] heap per concurrent call',
    'KB',
    heapPer(conc.e),
    heapPer(conc.b),
    `after GC, at ${conc.e.heap.peakLive} / ${conc.b.heap.peakLive} live`,
  );
  add('[concurrency] peak RSS', 'MB', ce.peakRssMb, cb.peakRssMb, 'the whole bench process');
  return rows;
}

/**
 * Part 3, from the long answer → agent run: does the heap come back to where it was? The
 * baseline is the same engine on the fake PBX (no ARI), so growth can be placed.
 */
export function connectMemoryRows(connect?: ConnectResult, fake?: FakeMemoryResult): ReportRow[] {
  const rows: ReportRow[] = [];
  const add = adder(rows, '3 resources', 'engine on fake PBX');
  const fakePerK = fake
    ? ((fake.endMb - fake.warmMb) * 1000) / Math.max(1, fake.calls - fake.warmAtCalls)
    : NaN;
  const fakeNote = fake
    ? `fake: ${fake.warmMb.toFixed(1)} at call ${fake.warmAtCalls}, ${fake.endMb.toFixed(1)} at ${fake.calls}`
    : '';
  if (!connect) {
    add('[memory] heap growth per 1,000 calls, fake PBX only', 'MB', fakePerK, NaN, fakeNote);
    return rows;
  }
  const s = connect.samples;
  const cpu = ((s[s.length - 1]?.cpuMs ?? 0) - (s[0]?.cpuMs ?? 0)) / Math.max(1, connect.calls);
  adder(rows, '3 resources')(
    '[answer→agent] dialer CPU per call',
    'ms',
    cpu,
    NaN,
    `progressive, ${connect.calls} calls, recorded`,
  );
  const h = connect.heap;
  if (h.warmMb === undefined || h.warmAtCalls === undefined) return rows;
  const perK = ((h.endMb - h.warmMb) * 1000) / Math.max(1, connect.calls - h.warmAtCalls);
  const lab = `lab, after GC: ${h.startMb.toFixed(1)} idle, ${h.warmMb.toFixed(1)} at call ${h.warmAtCalls}, ${h.endMb.toFixed(1)} at ${connect.calls}`;
  add(
    '[answer→agent] heap growth per 1,000 calls',
    'MB',
    perK,
    fakePerK,
    `${lab}; ${fakeNote}; bench's own records ≈ 0.5`,
  );
  const rss = adder(rows, '3 resources', 'first sample');
  rss('[answer→agent] RSS, last sample', 'MB', lastRss(connect, 'last'), lastRss(connect, 'first'));
  return rows;
}

function lastRss(c: ConnectResult, which: 'first' | 'last'): number {
  const s = which === 'first' ? c.samples[0] : c.samples[c.samples.length - 1];
  return s?.rssMb ?? NaN;
}

/** Part 4: claimLeads cost by list size; the smallest list is the baseline. */
export function selectionRows(rows: readonly SelectionRow[], limit: number): ReportRow[] {
  const base = rows[0];
  if (!base) return [];
  const out: ReportRow[] = [];
  const add = adder(out, '4 lead selection', `${base.leads.toLocaleString('en')} leads`);
  for (const r of rows) {
    const n = r.leads.toLocaleString('en');
    add(`claimLeads(${limit}) p50, ${n} leads`, 'ms', r.claim.p50, base.claim.p50, `plan: ${r.plan}`);
    add(
      `claimLeads(${limit}) p99, ${n} leads`,
      'ms',
      r.claim.p99,
      base.claim.p99,
      `${r.claim.n} claims timed; must not grow with list size`,
    );
    add(
      `  with an index in its ORDER BY, p50, ${n}`,
      'ms',
      r.claimWithMatchingIndex.p50,
      base.claimWithMatchingIndex.p50,
      `bench-only index; plan: ${r.planWithMatchingIndex}`,
    );
  }
  return out;
}

/** Part 5: `dialer import` against csv-parse alone and Postgres alone. */
export function importRows(r: ImportResult): ReportRow[] {
  const out: ReportRow[] = [];
  const n = r.rows.toLocaleString('en');
  adder(out, '5 import', 'csv-parse alone')(
    `${n} rows: rows/s`,
    '/s',
    r.rowsPerSec,
    r.parseOnlyRowsPerSec,
    `${r.imported.toLocaleString('en')} imported, ${r.rejected} rejected`,
  );
  adder(out, '5 import', 'SQL insert')(
    `  vs Postgres alone (generate_series)`,
    '/s',
    r.rowsPerSec,
    r.sqlInsertRowsPerSec,
    'same table, same indexes',
  );
  adder(out, '5 import')(
    'peak RSS above start',
    'MB',
    r.peakRssMb,
    NaN,
    `from ${r.rssBeforeMb.toFixed(0)} MB; test limit 400`,
  );
  return out;
}
