import { describe, expect, it } from 'vitest';
import { largestAllowed, PredictivePacer } from '../../../src/pacing/predictive.js';
import {
  FixedRatioPacer,
  IdleRatioPacer,
  progressiveLines,
  ProgressivePacer,
} from '../../../src/pacing/simple-pacers.js';
import type { AgentView, PacerState } from '../../../src/pacing/types.js';
import type { DropLimitMode } from '../../../src/pacing/vicidial-adaptive.js';
import {
  adaptLevel,
  applyDropRules,
  hourMinute,
  taperedRate,
  VicidialAdaptivePacer,
} from '../../../src/pacing/vicidial-adaptive.js';

const zero = { humans: 0, abandons: 0 };

function state(agents: AgentView[], over: Partial<PacerState> = {}): PacerState {
  return {
    now: 1_000,
    agents,
    ringing: [],
    waitingCustomers: 0,
    connectedCalls: agents.filter((a) => a.state === 'on-call').length,
    ledger: { lastMinute: zero, today: zero, last24h: zero, last30d: zero },
    trunkFreeLines: 1_000,
    ...over,
  };
}

const ready = (n: number): AgentView[] =>
  Array.from({ length: n }, () => ({ state: 'ready', secondsInState: 3 }));
const talking = (n: number, age: number): AgentView[] =>
  Array.from({ length: n }, () => ({ state: 'on-call', secondsInState: age }));

describe('progressive', () => {
  it.each([
    [3, 0, 0, 3],
    [3, 2, 0, 1],
    [3, 2, 1, 0],
    [1, 4, 0, 0],
  ])('%d ready, %d ringing, %d waiting → %d lines', (r, ringing, waiting, lines) => {
    const s = state(ready(r), {
      ringing: Array.from({ length: ringing }, () => ({ ageSeconds: 1 })),
      waitingCustomers: waiting,
    });
    expect(progressiveLines(s)).toBe(lines);
    expect(new ProgressivePacer().decide(s).lines).toBe(lines);
  });

  it('respects trunk capacity', () => {
    expect(new ProgressivePacer().decide(state(ready(5), { trunkFreeLines: 2 })).lines).toBe(2);
  });
});

describe('fixed ratio', () => {
  it('keeps ratio × (ready + on-call) calls up: round(2 × 4) − 3 connected − 1 ringing', () => {
    const s = state([...ready(1), ...talking(3, 10)], { ringing: [{ ageSeconds: 2 }] });
    expect(new FixedRatioPacer(2).decide(s).lines).toBe(4);
  });
});

describe('idle ratio', () => {
  it.each([
    [1, 3, 0, 0, 3], // k = 1 is progressive
    [2.5, 4, 3, 1, 6], // round(2.5 × 4) − 3 ringing − 1 waiting
    [2, 0, 0, 0, 0], // nobody idle: nothing, however many talk
    [3, 1, 5, 0, 0],
  ])('k %d, %d ready, %d ringing, %d waiting → %d lines', (k, r, ringing, waiting, lines) => {
    const s = state([...ready(r), ...talking(5, 30)], {
      ringing: Array.from({ length: ringing }, () => ({ ageSeconds: 1 })),
      waitingCustomers: waiting,
    });
    expect(new IdleRatioPacer(k).decide(s).lines).toBe(lines);
  });

  it('respects trunk capacity', () =>
    expect(new IdleRatioPacer(3).decide(state(ready(4), { trunkFreeLines: 5 })).lines).toBe(5));
});

/** Teaches the pacer a stationary world: 25% routed at 10 s, the rest failing at 20 s; talk 100 s. */
function trained(cfg: ConstructorParameters<typeof PredictivePacer>[0] = {}): PredictivePacer {
  const p = new PredictivePacer(cfg);
  for (let i = 0; i < 400; i++) {
    const routed = i % 4 === 0;
    p.observe({ type: 'dial-resolved', now: i, routed, delaySeconds: routed ? 8 + (i % 5) : 20 });
  }
  for (let i = 0; i < 100; i++) p.observe({ type: 'handle', now: i, talkSeconds: 60 + i, wrapSeconds: 10 });
  return p;
}

describe('PredictivePacer', () => {
  it('does nothing without active agents', () => {
    const d = new PredictivePacer().decide(state([{ state: 'paused', secondsInState: 5 }]));
    expect(d.lines).toBe(0);
  });

  it('is progressive while warming up, and says so', () => {
    const d = new PredictivePacer().decide(state(ready(3)));
    expect(d.lines).toBe(3);
    expect(d.reason).toMatch(/warming up/);
  });

  /** A 24 h and 30-day window with 20 abandons of slack at 3%. */
  const roomy = { humans: 10_000, abandons: 280 };
  const slackLedger = { lastMinute: zero, today: roomy, last24h: roomy, last30d: roomy };

  it('dials ahead of free agents once it has estimates and slack (more lines than ready agents)', () => {
    const d = trained().decide(state([...ready(2), ...talking(18, 90)], { ledger: slackLedger }));
    expect(d.lines).toBeGreaterThan(2);
    expect(d.inputs.pUse).toBeGreaterThan(0.25);
    expect(d.reason).toMatch(/P\(no agent/);
    expect(d.overDial).toBe(true);
  });

  it('says it over-dials only when it chose more lines than its progressive floor', () => {
    expect(new PredictivePacer().decide(state(ready(3))).overDial).toBeUndefined();
    const early = trained().decide(state(talking(20, 1), { ledger: slackLedger }));
    expect(early.overDial).toBe(false);
  });

  it('dials nothing extra when every agent is early in a long call', () => {
    const d = trained().decide(state(talking(20, 1), { ledger: slackLedger }));
    expect(d.lines).toBe(0);
  });

  it('falls back to progressive when a window has no slack above the reserve', () => {
    // 1,000 answers at 3% allow 30 abandons; 27 leave a slack of 3, under a reserve of 4.
    const tight = { humans: 1_000, abandons: 27 };
    const s = state([...ready(2), ...talking(18, 90)], {
      ledger: { lastMinute: zero, today: tight, last24h: tight, last30d: roomy },
    });
    const d = trained({ reserveAbandons: 4 }).decide(s);
    expect(d.lines).toBe(2);
    expect(d.reason).toMatch(
      /no abandon budget above the reserve \(3\.0 abandons of slack in the 24 h window, reserve 4\.0\)/,
    );
    expect(d.inputs.slack24h).toBeCloseTo(3, 12);
    expect(d.inputs.slack30d).toBeCloseTo(20, 12);
  });

  it('with the hourly cap on, a full last hour holds it to progressive even with a roomy day', () => {
    const agents = [...ready(2), ...talking(18, 90)];
    // The last hour: 500 answers, 19 abandons — 4% of 500 is 20, so 1 abandon of slack, under the reserve.
    const hour = { humans: 500, abandons: 19 };
    const ledger = { ...slackLedger, lastHour: hour };
    const off = trained().decide(state(agents, { ledger }));
    const on = trained({ hourlyCap: 0.04 }).decide(state(agents, { ledger }));
    expect(off.lines).toBeGreaterThan(2);
    expect(on.lines).toBe(2);
    expect(on.reason).toMatch(/hourly-cap window/);
    expect(on.inputs.slack1h).toBeCloseTo(1, 9);
  });

  it('dials more as the slack grows (the budget rule, end to end)', () => {
    const agents = [...ready(2), ...talking(18, 90)];
    const lines = (slackAbandons: number): number => {
      const w = { humans: 10_000, abandons: 300 - slackAbandons };
      return trained().decide(
        state(agents, { ledger: { lastMinute: zero, today: w, last24h: w, last30d: w } }),
      ).lines;
    };
    expect(lines(5)).toBeLessThan(lines(15));
    expect(lines(15)).toBeLessThanOrEqual(lines(40));
  });

  it('is progressive at a 0% target, and on a fresh campaign until answers build slack', () => {
    const agents = [...ready(2), ...talking(18, 90)];
    expect(trained({ abandonTarget: 0 }).decide(state(agents, { ledger: slackLedger })).lines).toBe(2);
    expect(trained().decide(state(agents)).lines).toBe(2);
  });
});

describe('VICIdial adaptive', () => {
  const cfg = { intensity: 0, diffTarget: 0, maxLevel: 3 };
  it.each([
    [1, 5, 0, 10, cfg, 1.5],
    [1, 0, 5, 10, cfg, 1],
    [2, 0, 2, 10, cfg, 1.6],
    [1, 1, 0, 10, { ...cfg, intensity: 40 }, 1.14],
    [2, 0, 2, 10, { ...cfg, intensity: 40 }, 1.76],
    [1, 2, 0, 10, { ...cfg, diffTarget: -1 }, 1.1],
    [2.9, 10, 0, 10, cfg, 3],
    [1.5, 1, 0, 3, cfg, 2],
    [1.2345, 0.1, 0, 10, cfg, 1.247],
  ])('level %d, idle %d, waiting %d, agents %d → %d', (level, idle, waiting, agents, c, expected) =>
    expect(adaptLevel(level, idle, waiting, agents, c)).toBeCloseTo(expected, 12),
  );

  it.each([
    [1700, 900, 800, 0.8],
    [2100, 900, 1200, 1],
    [2100, 1100, 1000, 1],
    [1700, 930, 770, 0.77],
    [1700, 1630, 70, 0.07],
    [1700, 1730, -30, -0.03],
  ])('tapered rate, latest %d at %d → left %d, rate %d', (latest, now, left, rate) => {
    const t = taperedRate(latest, now);
    expect(t.left).toBe(left);
    expect(t.rate).toBeCloseTo(rate, 12);
  });

  it.each([
    [0, 32_400, 900],
    [8 * 3600 - 60, 32_400, 1659],
    [86_400 + 1800, 0, 30],
  ])('server clock at %d s with offset %d → %d', (now, off, hhmm) => expect(hourMinute(now, off)).toBe(hhmm));

  const quiet = { callsOne: 10, callsToday: 500, dropsOnePct: 0, dropsAnswersTodayPct: 2 };
  const over = { ...quiet, dropsAnswersTodayPct: 3.5 };
  const rate = (r: number) => ({ left: 500, rate: r });
  it.each([
    ['under target: unchanged', 2.4, quiet, 'HARD_LIMIT', rate(1), 2.4],
    ['HARD_LIMIT over target → 1', 2.4, over, 'HARD_LIMIT', rate(1), 1],
    ['AVERAGE over target → half', 2.4, over, 'AVERAGE', rate(1), 1.2],
    ['AVERAGE never below 1', 1.6, over, 'AVERAGE', rate(1), 1],
    ['TAPERED over target → × rate', 2.4, over, 'TAPERED', rate(0.5), 1.2],
    ['TAPERED with > 1000 HHMM left: no cut', 2.4, over, 'TAPERED', rate(1), 2.4],
    ['TAPERED past the latest time → 1', 2.4, over, 'TAPERED', { left: -5, rate: -0.005 }, 1],
    ['≤ 50 calls today: no daily rule', 2.4, { ...over, callsToday: 50 }, 'HARD_LIMIT', rate(1), 2.4],
    [
      '> 20 calls and > 50% dropped last minute → half',
      2.4,
      { ...quiet, callsOne: 21, dropsOnePct: 51 },
      'HARD_LIMIT',
      rate(1),
      1.2,
    ],
    [
      '20 calls last minute: no minute rule',
      2.4,
      { ...quiet, callsOne: 20, dropsOnePct: 90 },
      'HARD_LIMIT',
      rate(1),
      2.4,
    ],
    [
      'both rules: half then half (AVERAGE)',
      3,
      { ...over, callsOne: 30, dropsOnePct: 60 },
      'AVERAGE',
      rate(1),
      1,
    ],
  ] as const)('%s', (_name, level, d, mode, t, expected) =>
    expect(applyDropRules(level, d, { mode, dropTargetPercent: 3 }, t)).toBeCloseTo(expected, 12),
  );

  /** Idle agents for a minute push the level up; then today's drop % is over the target. */
  function overTarget(mode: DropLimitMode, clockOffsetSeconds = 0): { before: number; after: number } {
    const p = new VicidialAdaptivePacer({ mode, latestServerTime: 1700, clockOffsetSeconds });
    const idle = state(ready(10), { now: 0 });
    for (let t = 0; t < 60; t++) p.decide({ ...idle, now: t });
    const up = p.decide({ ...idle, now: 62.5 });
    expect(p.decide({ ...idle, now: 63 }).lines).toBe(0); // between 2.5 s rounds
    for (let i = 0; i < 60; i++)
      p.observe({ type: 'dial-resolved', now: 64 + i / 10, routed: false, delaySeconds: 20 });
    const bad = { humans: 100, abandons: 5 };
    const s = state(ready(10), {
      now: 121,
      ledger: { lastMinute: zero, today: bad, last24h: bad, last30d: bad },
    });
    p.decide(s); // drops re-read every 60 s, level every 15 s
    const after = p.decide({ ...s, now: 136 });
    return { before: Number(up.inputs.level), after: Number(after.inputs.level) };
  }

  it('HARD_LIMIT drops to level 1 when today is over the target', () => {
    const r = overTarget('HARD_LIMIT');
    expect(r.before).toBeGreaterThan(1);
    expect(r.after).toBe(1);
  });

  it('TAPERED cuts by the HHMM rate (17:00 latest, 09:02 now → × 0.798)', () => {
    const r = overTarget('TAPERED', 9 * 3600);
    // 09:02 against a 17:00 latest time: × 0.798 each 15 s round while over the target.
    expect(r.after).toBeLessThan(r.before);
    expect(r.after).toBeGreaterThan(1);
  });

  it('counts only dials resolved today and in the last minute', () => {
    const p = new VicidialAdaptivePacer();
    for (let i = 0; i < 60; i++)
      p.observe({ type: 'dial-resolved', now: 86_000 + i, routed: false, delaySeconds: 20 });
    const d = p.decide(state(ready(2), { now: 86_400 + 10 }));
    expect(d.inputs.callsToday).toBe(0);
  });
});

describe('largestAllowed (how many extra lines pass the per-dial allowance)', () => {
  it.each([
    [0, 5, 0],
    [10, 0, 0],
    [10, 1, 1],
    [10, 3, 3],
    [10, 4, 4],
    [10, 9, 9],
    [10, 10, 10],
    [10, 50, 10],
    [1, 1, 1],
    [300, 137, 137],
  ])('cap %d, ok up to %d → %d', (cap, limit, expected) => {
    const asked: number[] = [];
    const got = largestAllowed(cap, (k) => {
      asked.push(k);
      return k <= limit;
    });
    expect(got).toBe(expected);
    expect(asked.every((k) => k >= 1 && k <= cap)).toBe(true);
  });

  it('asks only a few times for a small answer under a big cap', () => {
    let n = 0;
    largestAllowed(300, (k) => (n++, k <= 2));
    expect(n).toBeLessThanOrEqual(4);
  });
});
