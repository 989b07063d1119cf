import type { Knex } from 'knex';
import {
  LeadTransitionError,
  nextLead,
  type LeadChange,
  type LeadEvent,
  type LeadState,
} from '../../domain/lead/lifecycle.js';
import { applyScheduledCallEffect, scheduledCallsOf } from './scheduled-calls.js';

/** The lead an event is about. */
export interface LeadRef {
  leadId: number;
  campaignId: number;
  /** The attempt the event is about: a lead that has moved on to another is left alone. */
  attempt?: number;
}

export interface TransitionContext {
  /** The call of the attempt, tied to the scheduled call it completes. */
  callId?: string | null;
  /** When that call's row was reserved: a scheduled call asked for after it is not its own. */
  callReservedAt?: Date;
}

export type TransitionResult = { change: LeadChange } | { skipped: string };

interface LeadLifeRow {
  status: LeadState;
  attempts: number;
  next_attempt_at: Date | null;
}

/**
 * Applies one event of the lead's life (domain/lead/lifecycle.ts) in Postgres: reads the lead
 * (locked) and its pending scheduled calls, asks `nextLead`, writes the lead and carries out
 * what the event did to its scheduled call — in one transaction. The only place a lead's status
 * changes after it is claimed. A transition the lifecycle refuses is skipped, not forced.
 */
export async function applyLeadEvent(
  db: Knex,
  ref: LeadRef,
  event: LeadEvent,
  ctx: TransitionContext = {},
): Promise<TransitionResult> {
  if (!db.isTransaction) return db.transaction((trx) => applyLeadEvent(trx, ref, event, ctx));
  const row = await db('leads')
    .where({ id: ref.leadId, campaign_id: ref.campaignId })
    .forUpdate()
    .first<LeadLifeRow | undefined>('status', 'attempts', 'next_attempt_at');
  if (!row) return { skipped: `lead ${ref.leadId} of campaign ${ref.campaignId} does not exist` };
  if (ref.attempt !== undefined && row.attempts !== ref.attempt) {
    return { skipped: `lead ${ref.leadId} is on attempt ${row.attempts}, not ${ref.attempt}` };
  }
  const { calls, served } = await scheduledCallsOf(db, ref.leadId, event.at, ctx.callReservedAt);
  let change: LeadChange;
  try {
    change = nextLead(
      { status: row.status, attempts: row.attempts, nextAttemptAt: row.next_attempt_at },
      event,
      calls,
    );
  } catch (err) {
    if (err instanceof LeadTransitionError) return { skipped: err.message };
    throw err;
  }
  await db('leads').where({ id: ref.leadId }).update(leadPatch(change, event.at));
  if (change.scheduledCall && served) {
    await applyScheduledCallEffect(db, served, change.scheduledCall, ctx.callId ?? null, event.at);
  }
  return { change };
}

function leadPatch(change: LeadChange, at: Date): Record<string, unknown> {
  const patch: Record<string, unknown> = {
    status: change.status,
    attempts: change.attempts,
    next_attempt_at: change.nextAttemptAt,
    updated_at: at,
  };
  const a = change.attempted;
  if (a) {
    patch['last_attempt_at'] = at;
    patch['last_outcome'] = a.outcome;
    if (a.abandoned) patch['last_abandoned_at'] = at;
    if (a.contacted) patch['last_contact_at'] = at;
  }
  return patch;
}
