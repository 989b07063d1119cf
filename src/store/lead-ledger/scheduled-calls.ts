import type { Knex } from 'knex';
import type { ScheduledCallEffect, ScheduledCalls } from '../../domain/lead/lifecycle.js';

export type CallbackKind = 'callback' | 'second-confirmation' | 'corrective';

/** A pending scheduled call as the ledger reads it. */
export interface PendingCallRow {
  id: number;
  campaign_id: number;
  lead_id: number;
  kind: CallbackKind;
  due_at: Date;
  agent_id: number | null;
  trial_ends_at: Date | null;
  extended: boolean;
  created_at: Date;
}

export interface NewScheduledCall {
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

/** Inserts a `callbacks` row (the lead's event is the caller's to apply). */
export async function insertScheduledCall(db: Knex, c: NewScheduledCall): Promise<number> {
  const [row] = await db('callbacks')
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
  if (!row) throw new Error('callback insert returned nothing');
  return row.id;
}

/**
 * The lead's pending scheduled calls at `at`: the one this attempt was made for (due, and not
 * asked for during the attempt's own call, which began at `callReservedAt`) and the earliest
 * other one.
 */
export async function scheduledCallsOf(
  db: Knex,
  leadId: number,
  at: Date,
  callReservedAt?: Date,
): Promise<{ calls: ScheduledCalls; served?: PendingCallRow }> {
  const rows = await db('callbacks')
    .where({ lead_id: leadId, status: 'pending' })
    .orderBy('due_at')
    .orderBy('id')
    .select<PendingCallRow[]>('*');
  const served = rows.find(
    (r) => r.due_at <= at && (callReservedAt === undefined || r.created_at <= callReservedAt),
  );
  const later = rows.find((r) => r !== served);
  const calls: ScheduledCalls = {};
  if (served) {
    calls.served = {
      kind: served.kind,
      dueAt: served.due_at,
      trialEndsAt: served.trial_ends_at,
      extended: served.extended,
    };
  }
  if (later) calls.later = { dueAt: later.due_at };
  return { calls, served };
}

/**
 * Carries out what an attempt did to the scheduled call it was made for. A second confirmation
 * leaves an audit trail: reached, extended once, or missed — then the product must not be
 * charged (`chargeAllowed: false`).
 */
export async function applyScheduledCallEffect(
  db: Knex,
  cb: PendingCallRow,
  effect: ScheduledCallEffect,
  callId: string | null,
  at: Date,
): Promise<void> {
  const pending = () => db('callbacks').where({ id: cb.id, status: 'pending' });
  const confirmation = cb.kind === 'second-confirmation';
  switch (effect.kind) {
    case 'complete':
      await pending().update({ status: 'done', call_id: callId, done_at: at });
      if (confirmation) await audit(db, cb, 'second-confirmation-reached', { callId });
      return;
    case 'missed':
      await pending().update({ status: 'missed', done_at: at });
      return;
    case 'give-up':
      await pending().update({ status: 'missed', done_at: at });
      await audit(db, cb, 'second-confirmation-missed', { callId, chargeAllowed: false });
      return;
    case 'extend': {
      await pending().update({ status: 'missed', done_at: at });
      const next = await insertScheduledCall(db, {
        campaignId: cb.campaign_id,
        leadId: cb.lead_id,
        dueAt: effect.next.dueAt,
        kind: 'second-confirmation',
        agentId: cb.agent_id,
        trialEndsAt: effect.next.trialEndsAt,
        extended: true,
        note: 'trial extended once: customer not reached',
      });
      await audit(db, cb, 'second-confirmation-extended', {
        callId,
        trialEndsAt: effect.next.trialEndsAt,
        next,
      });
    }
  }
}

async function audit(
  db: Knex,
  cb: PendingCallRow,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await db('audit_log').insert({
    actor: 'dialer',
    action,
    entity: 'lead',
    entity_id: String(cb.lead_id),
    details: { campaignId: cb.campaign_id, callbackId: cb.id, ...details },
  });
}
