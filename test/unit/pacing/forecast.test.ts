import { describe, expect, it } from 'vitest';
import {
  abandonProbability,
  agentFreeWithin,
  demandWithin,
  demandWithinEach,
  inflightRoutedWithin,
  supplyWithin,
  supplyWithinEach,
} from '../../../src/pacing/forecast.js';
import type { DialModel, HandleModel } from '../../../src/pacing/forecast.js';
import type { AgentView } from '../../../src/pacing/types.js';

// Talk uniform on 10..100 s in 10 s steps (F(x) = floor(x/10)/10), wrap always 10 s.
const handle: HandleModel = {
  talkCdf: (x) => Math.min(1, Math.max(0, Math.floor(x / 10) / 10)),
  wrapCdf: (x) => (x >= 10 ? 1 : 0),
  meanTalk: 55,
  meanWrap: 10,
};

describe('agentFreeWithin', () => {
  it.each<[AgentView, number, number]>([
    [{ state: 'ready', secondsInState: 5 }, 1, 1],
    [{ state: 'paused', secondsInState: 5 }, 100, 0],
    [{ state: 'reserved', secondsInState: 0 }, 100, 0],
    // talking 40 s, horizon 40 s: needs talk ≤ 70 s given > 40 s: (0.7 − 0.4)/0.6
    [{ state: 'on-call', secondsInState: 40 }, 40, 0.5],
    // horizon shorter than the wrap-up: cannot be free yet
    [{ state: 'on-call', secondsInState: 40 }, 5, 0],
    // wrapping 5 s of a fixed 10 s wrap: free within 5 s for sure
    [{ state: 'wrap-up', secondsInState: 5 }, 5, 1],
  ])('%j within %d s → %d', (agent, h, q) => expect(agentFreeWithin(agent, h, handle)).toBeCloseTo(q, 12));
});

describe('supplyWithin', () => {
  it('sums Bernoullis: 2 ready + one talker at q = 0.5', () => {
    const agents: AgentView[] = [
      { state: 'ready', secondsInState: 1 },
      { state: 'ready', secondsInState: 1 },
      { state: 'on-call', secondsInState: 40 },
      { state: 'paused', secondsInState: 1 },
    ];
    expect(supplyWithin(agents, 40, handle)).toEqual({ mean: 2.5, variance: 0.25 });
  });

  it('agrees with the single-agent rule for every horizon', () => {
    const agents: AgentView[] = [
      { state: 'on-call', secondsInState: 12 },
      { state: 'wrap-up', secondsInState: 3 },
    ];
    const hs = [5, 20, 60, 200];
    const each = supplyWithinEach(agents, hs, handle);
    hs.forEach((h, j) => {
      const expected = agents.reduce((t, a) => t + agentFreeWithin(a, h, handle), 0);
      expect(each[j]?.mean).toBeCloseTo(expected, 12);
    });
  });
});

describe('in-flight demand', () => {
  // Half of dials are routed; routed delays uniform on 0..20 s; all dials resolve within 25 s.
  const dial: DialModel = {
    pRouted: 0.5,
    routedCdf: (x) => Math.min(1, Math.max(0, x / 20)),
    allCdf: (x) => Math.min(1, Math.max(0, x / 25)),
  };

  it('conditions on the dial still being up: 0.5·(F(10) − F(5)) / (1 − G(5))', () => {
    expect(inflightRoutedWithin(5, 5, dial)).toBeCloseTo((0.5 * 0.25) / 0.8, 12);
  });

  it('is 0 for a dial older than any resolution', () => {
    expect(inflightRoutedWithin(30, 5, dial)).toBe(0);
  });

  it('sums over dials', () => {
    const d = demandWithin([{ ageSeconds: 0 }, { ageSeconds: 5 }], 5, dial);
    expect(d.mean).toBeCloseTo(0.5 * 0.25 + (0.5 * 0.25) / 0.8, 12);
  });

  it('gives the same totals for runs of equal ages (computed once) as for the dials one by one', () => {
    const ages = [9, 9, 9, 4, 4, 0, 9, 4];
    const all = demandWithinEach(
      ages.map((a) => ({ ageSeconds: a })),
      [2, 7],
      dial,
    );
    const one = (age: number, h: number): number => inflightRoutedWithin(age, h, dial);
    [2, 7].forEach((h, j) => {
      const qs = ages.map((a) => one(a, h));
      expect(all[j]?.mean).toBeCloseTo(
        qs.reduce((t, q) => t + q, 0),
        12,
      );
      expect(all[j]?.variance).toBeCloseTo(
        qs.reduce((t, q) => t + q * (1 - q), 0),
        12,
      );
    });
  });
});

describe('abandonProbability', () => {
  const point = (supply: number, sVar: number, demand: number) => ({
    weight: 1,
    newRoutedBy: 0.5,
    supply: { mean: supply, variance: sVar },
    demand: { mean: demand, variance: 0 },
  });

  it.each([
    ['an agent left for sure', point(3, 0, 1), 0, 0],
    ['no agent left for sure', point(1, 0, 1), 0, 1],
    ['normal approx: Φ((0.5 − 2)/1)', point(2, 1, 0), 0, 0.0668072],
  ])('%s', (_name, g, earlier, p) => expect(abandonProbability([g], earlier)).toBeCloseTo(p, 5));

  it('grows with each earlier dial in the same decision', () => {
    const g = [point(4, 1, 1)];
    const ps = [0, 1, 2, 3, 4].map((k) => abandonProbability(g, k));
    for (let i = 1; i < ps.length; i++) expect(ps[i]).toBeGreaterThan(ps[i - 1] ?? 1);
  });
});
