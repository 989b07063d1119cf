import type { Row } from './aggregate.js';

const pct = (x: number, d = 2): string => `${(100 * x).toFixed(d)}%`;

const HEAD = [
  'policy',
  'occ',
  'busy',
  'talk-min/h',
  'aband',
  'ofcom',
  'w1h',
  'w24h',
  'w30d',
  'viol',
  'idle p50/p95 s',
  'wait p99 s',
  'lines/agent',
];

/** Fixed-width table for one scenario. */
export function formatTable(rows: readonly Row[]): string {
  const body = rows.map((r) => [
    r.policy,
    pct(r.occupancy, 1),
    pct(r.busy, 1),
    r.talkMin.toFixed(1),
    pct(r.abandon),
    pct(r.ofcom),
    pct(r.worst1h),
    pct(r.worst24h),
    pct(r.worst30d),
    `${r.violations}/${r.seeds}`,
    `${r.idleP50.toFixed(0)}/${r.idleP95.toFixed(0)}`,
    r.waitP99.toFixed(1),
    r.linesPerAgent.toFixed(2),
  ]);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(HEAD), ...body.map(line)].join('\n');
}

export function toCsv(rows: readonly Row[]): string {
  const keys = Object.keys(rows[0] ?? {}) as (keyof Row)[];
  return [keys.join(','), ...rows.map((r) => keys.map((k) => String(r[k])).join(','))].join('\n') + '\n';
}

const COLOURS: Record<string, string> = {
  progressive: '#888888',
  'fixed-2.0': '#d62728',
  'vicidial-hard': '#ff7f0e',
  'vicidial-tapered': '#bcbd22',
  'vicidial-average': '#8c564b',
  'vicidial, max level tuned': '#e377c2',
  'tuned ratio': '#2ca02c',
  'tuned idle ratio': '#17becf',
  predictive: '#1f77b4',
};

const colour = (policy: string): string =>
  COLOURS[
    policy.startsWith('tuned-idle') ? 'tuned idle ratio' : policy.startsWith('tuned') ? 'tuned ratio' : policy
  ] ?? '#000';

/** Scatter of occupancy (x) against abandon rate (y, capped at 10%), one dot per scenario × policy. */
export function toSvg(rows: readonly Row[], target: number): string {
  const w = 720;
  const h = 420;
  const pad = 60;
  const yMax = 0.1;
  const x = (v: number): number => pad + v * (w - 2 * pad);
  const y = (v: number): number => h - pad - (Math.min(v, yMax) / yMax) * (h - 2 * pad);
  const dots = rows
    .map(
      (r) =>
        `<circle cx="${x(r.occupancy).toFixed(1)}" cy="${y(r.abandon).toFixed(1)}" r="4" fill="${colour(r.policy)}"><title>${r.scenario} ${r.policy}</title></circle>`,
    )
    .join('\n');
  const legend = Object.entries(COLOURS)
    .map(
      ([name, c], i) => `<text x="${w - 170}" y="${80 + 16 * i}" fill="${c}" font-size="12">● ${name}</text>`,
    )
    .join('\n');
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1]
    .map(
      (t) => `<text x="${x(t)}" y="${h - pad + 18}" font-size="11" text-anchor="middle">${t * 100}%</text>`,
    )
    .join('');
  const yticks = [0, 0.03, 0.05, 0.1]
    .map((t) => `<text x="${pad - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t * 100}%</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="black"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="black"/>
<line x1="${pad}" y1="${y(target)}" x2="${w - pad}" y2="${y(target)}" stroke="#999" stroke-dasharray="4 4"/>
${ticks}${yticks}
<text x="${w / 2}" y="${h - 15}" text-anchor="middle" font-size="13">agent occupancy (talk ÷ logged-in)</text>
<text x="15" y="${h / 2}" transform="rotate(-90 15 ${h / 2})" text-anchor="middle" font-size="13">abandon rate (capped at 10%)</text>
${legend}
${dots}
</svg>
`;
}
