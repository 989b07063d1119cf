/** One line of the benchmark's table: a figure of the dialer beside its same-run baseline. */
export interface ReportRow {
  part: string;
  metric: string;
  unit: string;
  dialer: number;
  /** NaN when the figure has no same-run baseline (then `baselineWhat` says why or is empty). */
  baseline: number;
  baselineWhat: string;
  /** A published or legal figure to read it against, or a note. */
  reference: string;
}

/** dialer ÷ baseline, only where both are positive (unit 'n': a count, no ratio). */
export function ratio(r: ReportRow): number {
  return r.dialer > 0 && r.baseline > 0 && r.unit !== 'n' ? r.dialer / r.baseline : Number.NaN;
}

/** A number for the table: more digits for small values, "—" for none. */
export function fmt(v: number, unit = ''): string {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const digits = unit === '%' ? 1 : a === 0 || a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return `${v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${unit === '%' ? '%' : ''}`;
}

const HEAD = ['part', 'metric', 'unit', 'dialer', 'baseline', 'ratio', 'baseline is', 'reference'];

/** Fixed-width text table; numbers right-aligned. */
export function formatTable(rows: readonly ReportRow[]): string {
  const body = rows.map((r) => [
    r.part,
    r.metric,
    r.unit === '%' ? '' : r.unit,
    fmt(r.dialer, r.unit),
    fmt(r.baseline, r.unit),
    Number.isFinite(ratio(r)) ? `${fmt(ratio(r))}×` : '—',
    r.baselineWhat,
    r.reference,
  ]);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const right = new Set([3, 4, 5]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(HEAD), rule];
  let part = '';
  for (const [i, b] of body.entries()) {
    const p = rows[i]?.part ?? '';
    if (part && p !== part) out.push('');
    part = p;
    out.push(line(b));
  }
  return out.join('\n');
}

function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly ReportRow[]): string {
  const head = ['part', 'metric', 'unit', 'dialer', 'baseline', 'ratio', 'baseline_is', 'reference'];
  const lines = rows.map((r) =>
    [r.part, r.metric, r.unit, r.dialer, r.baseline, ratio(r), r.baselineWhat, r.reference]
      .map(csvCell)
      .join(','),
  );
  return [head.join(','), ...lines].join('\n') + '\n';
}
