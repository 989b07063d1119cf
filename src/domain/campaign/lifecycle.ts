/**
 * Campaign lifecycle (requirements §1): draft → approved → trial → active ⇄ paused → completed.
 * Trial calls go to a small sample before the whole list opens; approval depends on list size.
 */
export const CAMPAIGN_STATUSES = ['draft', 'approved', 'trial', 'active', 'paused', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export type CampaignAction = 'approve' | 'start-trial' | 'activate' | 'pause' | 'resume' | 'complete';

const TRANSITIONS: Readonly<Record<CampaignAction, { from: readonly CampaignStatus[]; to: CampaignStatus }>> =
  {
    approve: { from: ['draft'], to: 'approved' },
    'start-trial': { from: ['approved'], to: 'trial' },
    // Opening the whole list needs a finished trial (trial → active); there is no skipping it.
    activate: { from: ['trial'], to: 'active' },
    pause: { from: ['trial', 'active'], to: 'paused' },
    resume: { from: ['paused'], to: 'active' },
    complete: { from: ['trial', 'active', 'paused'], to: 'completed' },
  };

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: CampaignStatus,
    readonly action: CampaignAction,
  ) {
    const allowed = TRANSITIONS[action].from.join(' or ');
    super(`cannot ${action} a campaign that is ${from} (only from ${allowed})`);
    this.name = 'IllegalTransitionError';
  }
}

export function transition(from: CampaignStatus, action: CampaignAction): CampaignStatus {
  const t = TRANSITIONS[action];
  if (!t.from.includes(from)) throw new IllegalTransitionError(from, action);
  return t.to;
}

/** Whether the dialer may place calls for a campaign in this status, and to whom. */
export function dialScope(status: CampaignStatus): 'none' | 'trial-sample' | 'all' {
  if (status === 'trial') return 'trial-sample';
  if (status === 'active') return 'all';
  return 'none';
}

export type ApprovalLevel = 'simple' | 'formal';

/** Lists of `threshold` numbers or more need formal approval (two distinct approvers). */
export function approvalLevel(listSize: number, threshold = 5000): ApprovalLevel {
  return listSize >= threshold ? 'formal' : 'simple';
}

export interface Approval {
  approverId: number;
}

export type ApprovalState =
  { complete: true; level: ApprovalLevel } | { complete: false; level: ApprovalLevel; missing: number };

/**
 * Counts distinct approvers against what the list size requires. The campaign's creator may not
 * approve it, so one person cannot push a large list through alone.
 */
export function approvalState(
  listSize: number,
  approvals: readonly Approval[],
  options: { threshold?: number; createdBy?: number | null } = {},
): ApprovalState {
  const level = approvalLevel(listSize, options.threshold);
  const needed = level === 'formal' ? 2 : 1;
  const distinct = new Set(approvals.map((a) => a.approverId).filter((id) => id !== options.createdBy));
  const missing = needed - distinct.size;
  return missing <= 0 ? { complete: true, level } : { complete: false, level, missing };
}

/** An approval the two-person rule refuses (the creator, or the same approver twice). */
export class ApprovalError extends Error {
  override readonly name = 'ApprovalError';
}

/**
 * Throws a clear ApprovalError when `approverId` cannot add an approval; `nameOf` turns the id
 * into what people call the approver (their username; `user #id` when unknown), so messages
 * never show database ids.
 */
export function checkApprover(
  approverId: number,
  approvals: readonly Approval[],
  createdBy: number | null | undefined,
  nameOf: (id: number) => string = (id) => `user #${id}`,
): void {
  if (createdBy !== null && createdBy !== undefined && approverId === createdBy) {
    throw new ApprovalError(
      `${nameOf(approverId)} created the campaign and cannot approve it; someone else must`,
    );
  }
  if (approvals.some((a) => a.approverId === approverId)) {
    throw new ApprovalError(
      `${nameOf(approverId)} has already approved; a second approver must be someone else`,
    );
  }
}
