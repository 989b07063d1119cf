import { describe, expect, it } from 'vitest';
import { scenarioFromHistory, simulateWhatIf } from '../../../src/sim/what-if.js';
import type { CampaignHistory } from '../../../src/sim/what-if.js';

const history: CampaignHistory = {
  campaign: 'c1',
  agents: 5,
  dials: 400,
  humanAnswers: 100,
  machineAnswers: 40,
  busy: 60,
  ringSeconds: [8, 10, 12, 9, 11, 10, 10, 9, 11, 10],
  talkSeconds: [100, 140, 120, 110, 130, 120, 120, 90, 150, 120],
  wrapSeconds: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
  hoursPerDay: 2,
};

describe('what-if', () => {
  it('fits the scenario from the history by counts and moments', () => {
    const s = scenarioFromHistory(history);
    expect(s.pHuman).toBe(0.25);
    expect(s.pMachine).toBe(0.1);
    expect(s.talkMeanSeconds).toBe(120);
    expect(s.wrapSdSeconds).toBe(0);
    expect(s.agents).toBe(5);
  });

  it('refuses a history too thin to fit', () => {
    expect(() => scenarioFromHistory({ ...history, dials: 10 })).toThrow(/too thin/);
  });

  // Two simulated campaign days per side: ~1 s alone, far longer on a loaded machine. The
  // timeout only guards against a hang; it is not a speed check.
  it('applies overrides: +10 agents talk more in total', { timeout: 60_000 }, () => {
    const r = simulateWhatIf(history, { agentsDelta: 10, seeds: 2 });
    expect(r.scenario.agents).toBe(15);
    expect(r.whatIf.humans).toBeGreaterThan(r.baseline.humans * 2);
  });
});
