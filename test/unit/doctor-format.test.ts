import { describe, expect, it } from 'vitest';
import { formatDiagnosis } from '../../src/cli/commands/doctor.js';
import type { CampaignDiagnosis } from '../../src/ports/diagnosis.js';

const opens = new Date('2026-06-10T23:00:00Z');
const d: CampaignDiagnosis = {
  campaign: {
    id: 7,
    code: 'mixed',
    name: 'Mixed',
    status: 'active',
    purpose: 'survey',
    dialMode: 'agentless',
  },
  at: new Date('2026-06-10T16:00:00Z'),
  totalLeads: 9,
  eligibleNow: 0,
  ineligible: { 'outside-window': 3, 'dnc:all': 1 },
  windowOpensAt: opens,
  waits: [
    { rule: 'outside-window', leads: 3, nextEligibleAt: opens, fromStoredRefusals: 3 },
    { rule: 'dnc:all', leads: 1, nextEligibleAt: null, fromStoredRefusals: 0 },
  ],
  windowOpens: [{ timezone: 'Asia/Tokyo', leads: 3, opensAt: opens }],
  trunk: 'lab-carrier',
  trunkFailuresInRow: 0,
  engine: {
    trunkFreeChannels: 100,
    trunkMaxChannels: 100,
    trunkStartsNow: 17,
    readyAgents: 2,
    pbxHealthy: true,
  },
  problems: ['no lead is eligible now'],
};

describe('dialer doctor: the text an admin reads', () => {
  it('names each rule with its leads and next eligible time, the window per zone, and both trunk figures', () => {
    const text = formatDiagnosis(d).split('\n');
    expect(text).toContain(
      '          3  outside the calling window [outside-window]; first eligible at 2026-06-10T23:00:00.000Z (3 from stored refusals)',
    );
    expect(text).toContain('          1  on the DNC list (all) [dnc:all]');
    expect(text).toContain('calling window, per time zone:');
    expect(text).toContain('          3  Asia/Tokyo: opens at 2026-06-10T23:00:00.000Z');
    expect(text).toContain(
      'trunk: free channels 100 of 100; calls that may start this second (per-second allowance) 17',
    );
  });
});
