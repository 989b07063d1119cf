/** Raw counters a run accumulates; `summarise` turns them into the benchmark's columns. */
export interface RunCounters {
  loggedInSeconds: number;
  talkSeconds: number;
  busySeconds: number;
  lineSeconds: number;
  dials: number;
  /** Per clock hour since the start of day 0. */
  hourHumans: number[];
  hourAbandons: number[];
  hourFalsePositives: number[];
  idleWaits: number[];
  customerWaits: number[];
}

export function emptyCounters(): RunCounters {
  return {
    loggedInSeconds: 0,
    talkSeconds: 0,
    busySeconds: 0,
    lineSeconds: 0,
    dials: 0,
    hourHumans: [],
    hourAbandons: [],
    hourFalsePositives: [],
    idleWaits: [],
    customerWaits: [],
  };
}

/** The columns printed per scenario × policy. Rates are fractions (0.03 = 3%). */
export interface RunSummary {
  occupancy: number;
  /** (talk + wrap) ÷ logged-in: the quantity the progressive closed form predicts. */
  busyShare: number;
  talkMinPerAgentHour: number;
  abandonRate: number;
  /** Ofcom-style: AMD false positives count as abandons too. */
  ofcomRate: number;
  worst1h: number;
  worst24h: number;
  worst30d: number;
  idleP50: number;
  idleP95: number;
  waitP99: number;
  linesPerAgent: number;
  dialsPerAgentHour: number;
  humans: number;
  abandons: number;
}

export function summarise(c: RunCounters): RunSummary {
  const humans = sum(c.hourHumans);
  const abandons = sum(c.hourAbandons);
  const fp = sum(c.hourFalsePositives);
  const hours = c.loggedInSeconds / 3600;
  return {
    occupancy: c.talkSeconds / Math.max(1, c.loggedInSeconds),
    busyShare: c.busySeconds / Math.max(1, c.loggedInSeconds),
    talkMinPerAgentHour: c.talkSeconds / 60 / Math.max(1e-9, hours),
    abandonRate: humans > 0 ? abandons / humans : 0,
    ofcomRate: humans + fp > 0 ? (abandons + fp) / (humans + fp) : 0,
    worst1h: worstWindow(c.hourHumans, c.hourAbandons, 1),
    worst24h: worstWindow(c.hourHumans, c.hourAbandons, 24),
    worst30d: worstWindow(c.hourHumans, c.hourAbandons, 720),
    idleP50: percentile(c.idleWaits, 0.5),
    idleP95: percentile(c.idleWaits, 0.95),
    waitP99: percentile(c.customerWaits, 0.99),
    linesPerAgent: c.lineSeconds / Math.max(1, c.loggedInSeconds),
    dialsPerAgentHour: c.dials / Math.max(1e-9, hours),
    humans,
    abandons,
  };
}

/**
 * Worst abandon rate over every run of `hours` consecutive clock hours (windows shorter than
 * the run are slid hour by hour; a run shorter than the window is one window). Windows with no
 * answers are skipped.
 */
export function worstWindow(humans: readonly number[], abandons: readonly number[], hours: number): number {
  const n = Math.max(humans.length, abandons.length);
  const w = Math.min(hours, n);
  let h = 0;
  let a = 0;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    h += humans[i] ?? 0;
    a += abandons[i] ?? 0;
    if (i >= w) {
      h -= humans[i - w] ?? 0;
      a -= abandons[i - w] ?? 0;
    }
    if (i >= w - 1 && h > 0) worst = Math.max(worst, a / h);
  }
  return worst;
}

/** Nearest-rank percentile (0 for no samples). */
export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
}

function sum(xs: readonly number[]): number {
  let t = 0;
  for (const x of xs) t += x ?? 0;
  return t;
}

/** Adds one to an hourly counter, growing the array as the run advances. */
export function bump(xs: number[], hour: number): void {
  addAt(xs, hour, 1);
}

/** Adds `v` at index `i`, growing the array with zeros. */
export function addAt(xs: number[], i: number, v: number): void {
  while (xs.length <= i) xs.push(0);
  xs[i] = (xs[i] ?? 0) + v;
}

/** Per-minute counters of a run (index = minute since the start of day 0). */
export interface Timeline {
  minuteHumans: number[];
  minuteAbandons: number[];
  /** Agent-seconds talking to humans, and logged in (not paused). */
  minuteTalkSeconds: number[];
  minuteLoggedSeconds: number[];
}

export function emptyTimeline(): Timeline {
  return { minuteHumans: [], minuteAbandons: [], minuteTalkSeconds: [], minuteLoggedSeconds: [] };
}
