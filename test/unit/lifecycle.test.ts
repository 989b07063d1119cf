import { describe, expect, it } from 'vitest';
import {
  approvalLevel,
  approvalState,
  checkApprover,
  CAMPAIGN_STATUSES,
  IllegalTransitionError,
  transition,
  type CampaignAction,
  type CampaignStatus,
} from '../../src/domain/campaign/lifecycle.js';

// Every (status, action) pair; the ones not listed here must be refused.
const LEGAL: Record<string, CampaignStatus> = {
  'draft approve': 'approved',
  'approved start-trial': 'trial',
  'trial activate': 'active',
  'trial pause': 'paused',
  'active pause': 'paused',
  'paused resume': 'active',
  'trial complete': 'completed',
  'active complete': 'completed',
  'paused complete': 'completed',
};
const ACTIONS: CampaignAction[] = ['approve', 'start-trial', 'activate', 'pause', 'resume', 'complete'];

describe('campaign lifecycle', () => {
  const table = CAMPAIGN_STATUSES.flatMap((from) =>
    ACTIONS.map((action) => ({ from, action, to: LEGAL[`${from} ${action}`] })),
  );
  it.each(table)('$from --$action--> $to', ({ from, action, to }) => {
    if (to) expect(transition(from, action)).toBe(to);
    else {
      expect(() => transition(from, action)).toThrow(IllegalTransitionError);
      expect(() => transition(from, action)).toThrow(`cannot ${action} a campaign that is ${from}`);
    }
  });
});

describe('approval by list size', () => {
  it.each([
    { size: 4999, threshold: undefined, level: 'simple' },
    { size: 5000, threshold: undefined, level: 'formal' },
    { size: 100, threshold: 100, level: 'formal' },
    { size: 99, threshold: 100, level: 'simple' },
  ])('$size numbers, threshold $threshold → $level', ({ size, threshold, level }) => {
    expect(approvalLevel(size, threshold)).toBe(level);
  });

  it('a small list needs one approver', () => {
    expect(approvalState(10, [])).toEqual({ complete: false, level: 'simple', missing: 1 });
    expect(approvalState(10, [{ approverId: 7 }])).toEqual({ complete: true, level: 'simple' });
  });

  it('a formal approval needs two distinct people, not the creator', () => {
    expect(approvalState(6000, [{ approverId: 7 }, { approverId: 7 }])).toEqual({
      complete: false,
      level: 'formal',
      missing: 1,
    });
    expect(approvalState(6000, [{ approverId: 7 }, { approverId: 1 }], { createdBy: 1 })).toMatchObject({
      complete: false,
    });
    expect(approvalState(6000, [{ approverId: 7 }, { approverId: 8 }])).toEqual({
      complete: true,
      level: 'formal',
    });
  });

  it('refuses the creator and a repeated approver with a clear message', () => {
    expect(() => checkApprover(1, [], 1)).toThrow('created the campaign');
    expect(() => checkApprover(7, [{ approverId: 7 }], 1)).toThrow('someone else');
    expect(() => checkApprover(8, [{ approverId: 7 }], 1)).not.toThrow();
  });
});
