import type { Knex } from 'knex';
import {
  DEFAULT_SECOND_CONFIRMATION,
  scheduleSecondConfirmation,
  type SecondConfirmationPolicy,
} from '../../domain/campaign/second-confirmation.js';
import { insertScheduledCall, type NewScheduledCall, type PendingCallRow } from './scheduled-calls.js';
import { applyLeadEvent } from './transition.js';

/**
 * Schedules a call and points the lead at it (`callback-scheduled`: status `callback`, next
 * attempt at the due time), so the hopper picks it up first when it falls due.
 */
export async function scheduleCallback(db: Knex, c: NewScheduledCall): Promise<number> {
  return db.transaction(async (trx) => {
    const id = await insertScheduledCall(trx, c);
    const event = c.kind === 'second-confirmation' ? 'confirmation-scheduled' : 'callback-scheduled';
    const at = new Date();
    const r = await applyLeadEvent(
      trx,
      { leadId: c.leadId, campaignId: c.campaignId },
      { type: event, at, dueAt: c.dueAt },
    );
    if ('skipped' in r) throw new Error(`cannot schedule a call: ${r.skipped}`);
    return id;
  });
}

/** The second-confirmation call for a trial-period product, due by the policy before the trial ends. */
export async function scheduleTrialConfirmation(
  db: Knex,
  r: { campaignId: number; leadId: number; trialEndsAt: Date; now: Date; agentId?: number | null },
  policy: SecondConfirmationPolicy = DEFAULT_SECOND_CONFIRMATION,
): Promise<number> {
  const s = scheduleSecondConfirmation(r.trialEndsAt, r.now, policy);
  return scheduleCallback(db, {
    campaignId: r.campaignId,
    leadId: r.leadId,
    dueAt: s.dueAt,
    kind: 'second-confirmation',
    agentId: r.agentId,
    trialEndsAt: s.trialEndsAt,
  });
}

/** Pending scheduled calls of a campaign that are due, oldest first. */
export async function dueCallbacks(
  db: Knex,
  campaignId: number,
  now: Date,
  limit = 100,
): Promise<PendingCallRow[]> {
  return db('callbacks')
    .where({ campaign_id: campaignId, status: 'pending' })
    .andWhere('due_at', '<=', now)
    .orderBy('due_at')
    .limit(limit)
    .select<PendingCallRow[]>('*');
}
