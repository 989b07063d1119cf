import { describe, expect, it } from 'vitest';
import { budgetMultiplier, PredictivePacer, safetyMargin } from '../../../src/pacing/predictive.js';
import { FixedRatioPacer, progressiveLines, ProgressivePacer } from '../../../src/pacing/simple-pacers.js';
import type { AgentView, PacerState } from '../../../src/pacing/types.js';
import { adaptLevel, VicidialAdaptivePacer } from '../../../src/pacing/vicidial-adaptive.js';

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

describe('safetyMargin', () => {
  it.each([
    [{ activeAgents: 100, drift: 0, routedSamples: 10_000 }, 0.1 + 0.05 + 0.03],
    [{ activeAgents: 4, drift: 0, routedSamples: 10_000 }, 0.1 + 0.25 + 0.03],
    [{ activeAgents: 100, drift: 0.2, routedSamples: 10_000 }, 0.1 + 0.05 + 0.2 + 0.03],
    [{ activeAgents: 1, drift: 1, routedSamples: 1 }, 0.9],
  ])('%j → %d', (m, expected) => expect(safetyMargin(m)).toBeCloseTo(expected, 12));
});

describe('budgetMultiplier', () => {
  it.each([
    [0, 0.02, 3],
    [0.01, 0.02, 3],
    [0.015, 0.02, 1.5],
    [0.02, 0.02, 0],
    [0.05, 0.02, 0],
    [0, 0, 0],
  ])('worst %d, goal %d → %d', (w, g, m) => expect(budgetMultiplier(w, g)).toBeCloseTo(m, 12));
});

/** Teaches the pacer a stationary world: 25% routed at 10 s, the rest failing at 20 s; talk 100 s. */
function trained(): PredictivePacer {
  const p = new PredictivePacer();
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

  it('dials ahead of free agents once it has estimates (more lines than ready agents)', () => {
    const d = trained().decide(state([...ready(2), ...talking(18, 90)]));
    expect(d.lines).toBeGreaterThan(2);
    expect(d.inputs.pUse).toBeGreaterThan(0.25);
    expect(d.reason).toMatch(/P\(no agent/);
  });

  it('dials nothing extra when every agent is early in a long call', () => {
    const d = trained().decide(state(talking(20, 1)));
    expect(d.lines).toBe(0);
  });

  it('falls back to progressive when a window is at the target', () => {
    const over = { humans: 1_000, abandons: 30 };
    const s = state([...ready(2), ...talking(18, 90)], {
      ledger: { lastMinute: zero, today: zero, last24h: zero, last30d: over },
    });
    const d = trained().decide(s);
    expect(d.lines).toBe(2);
    expect(d.reason).toMatch(/fallback/);
  });
});

describe('VICIdial adaptive', () => {
  const cfg = { intensity: 0, diffTarget: 0, maxLevel: 3 };
  it.each([
    [1, 5, 0, 10, cfg, 1.5],
    [1, 0, 5, 10, cfg, 1],
    [2, 0, 2, 10, cfg, 1.6],
    [1, 1, 0, 10, { ...cfg, intensity: 40 }, 1.14],
    [1, 2, 0, 10, { ...cfg, diffTarget: -1 }, 1.1],
    [2.9, 10, 0, 10, cfg, 3],
  ])('level %d, idle %d, waiting %d, agents %d → %d', (level, idle, waiting, agents, c, expected) =>
    expect(adaptLevel(level, idle, waiting, agents, c)).toBeCloseTo(expected, 12),
  );

  it('dials on 2.5 s rounds and drops to level 1 (HARD_LIMIT) when today is over the target', () => {
    const p = new VicidialAdaptivePacer();
    const idle = state(ready(10), { now: 0 });
    for (let t = 0; t < 60; t++) p.decide({ ...idle, now: t }); // idle agents push the level up
    const up = p.decide({ ...idle, now: 62.5 });
    expect(up.inputs.level).toBeGreaterThan(1);
    expect(p.decide({ ...idle, now: 63 }).lines).toBe(0); // between rounds
    const over = { humans: 100, abandons: 5 };
    const bad = state(ready(10), {
      now: 120,
      ledger: { lastMinute: zero, today: over, last24h: over, last30d: over },
    });
    p.decide(bad);
    const after = p.decide({ ...bad, now: 140 }); // drop % re-read every 60 s, level every 15 s
    expect(after.inputs.level).toBe(1);
    expect(after.lines).toBe(10);
  });
});
