import type { Knex } from 'knex';
import {
  DEFAULT_SECOND_CONFIRMATION,
  onSecondConfirmationUnreached,
  scheduleSecondConfirmation,
  type SecondConfirmationPolicy,
} from '../../domain/campaign/second-confirmation.js';

export type CallbackKind = 'callback' | 'second-confirmation' | 'corrective';

/** A scheduled call as stored in `callbacks`. `agentId` null = any agent may take it. */
export interface CallbackRecord {
  id: number;
  campaign_id: number;
  lead_id: number;
  kind: CallbackKind;
  due_at: Date;
  agent_id: number | null;
  status: 'pending' | 'done' | 'missed' | 'cancelled';
  trial_ends_at: Date | null;
  extended: boolean;
}

export interface NewCallback {
  campaignId: number;
  leadId: number;
  dueAt: Date;
  kind?: CallbackKind;
  /** Owner agent; omit for "anyone". */
  agentId?: number | null;
  note?: string;
  createdBy?: number | null;
  trialEndsAt?: Date | null;
  extended?: boolean;
}

/**
 * Schedules a call and points the lead at it (status `callback`, next attempt at the due time),
 * so the hopper picks it up first when it falls due and the gate holds it until then.
 */
export async function scheduleCallback(db: Knex, c: NewCallback): Promise<number> {
  return db.transaction(async (trx) => {
    const [row] = await trx('callbacks')
      .insert({
        campaign_id: c.campaignId,
        lead_id: c.leadId,
        kind: c.kind ?? 'callback',
        due_at: c.dueAt,
        agent_id: c.agentId ?? null,
        note: c.note ?? null,
        created_by: c.createdBy ?? null,
        trial_ends_at: c.trialEndsAt ?? null,
        extended: c.extended ?? false,
      })
      .returning<{ id: number }[]>('id');
    await trx('leads')
      .where({ id: c.leadId, campaign_id: c.campaignId })
      .update({ status: 'callback', next_attempt_at: c.dueAt, updated_at: trx.fn.now() });
    if (!row) throw new Error('callback insert returned nothing');
    return row.id;
  });
}

/** The second-confirmation call for a trial-period product, due before the trial ends. */
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

/** Pending callbacks of a campaign that are due, oldest first; owner-bound ones carry agent_id. */
export async function dueCallbacks(
  db: Knex,
  campaignId: number,
  now: Date,
  limit = 100,
): Promise<CallbackRecord[]> {
  return db('callbacks')
    .where({ campaign_id: campaignId, status: 'pending' })
    .andWhere('due_at', '<=', now)
    .orderBy('due_at')
    .limit(limit)
    .select<CallbackRecord[]>('*');
}

export async function completeCallback(
  db: Knex,
  id: number,
  callId: string | null,
  now: Date,
): Promise<void> {
  await db('callbacks')
    .where({ id, status: 'pending' })
    .update({ status: 'done', call_id: callId, done_at: now });
}

/**
 * A second-confirmation call did not reach the customer before the trial ended: extend the
 * trial once and schedule a new call, or — after the one extension — mark it missed (the product
 * must then not be charged; the caller reports that). Returns the new callback id, if any.
 */
export async function secondConfirmationUnreached(
  db: Knex,
  id: number,
  now: Date,
  policy: SecondConfirmationPolicy = DEFAULT_SECOND_CONFIRMATION,
): Promise<{ extendedTo: Date; callbackId: number } | { missed: true }> {
  const cb = await db('callbacks')
    .where({ id, kind: 'second-confirmation' })
    .first<CallbackRecord | undefined>();
  if (!cb || !cb.trial_ends_at) throw new Error(`no second-confirmation callback ${id}`);
  const step = onSecondConfirmationUnreached(
    { dueAt: cb.due_at, trialEndsAt: cb.trial_ends_at, extended: cb.extended },
    policy,
  );
  if (step.kind === 'give-up') {
    await db('callbacks').where({ id }).update({ status: 'missed', done_at: now });
    return { missed: true };
  }
  await db('callbacks').where({ id }).update({ status: 'missed', done_at: now });
  const callbackId = await scheduleCallback(db, {
    campaignId: cb.campaign_id,
    leadId: cb.lead_id,
    dueAt: step.next.dueAt < now ? now : step.next.dueAt,
    kind: 'second-confirmation',
    agentId: cb.agent_id,
    trialEndsAt: step.next.trialEndsAt,
    extended: true,
    note: 'trial extended once: customer not reached',
  });
  return { extendedTo: step.next.trialEndsAt, callbackId };
}
