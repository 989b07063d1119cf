import type { Knex } from 'knex';
import type { CallEndedData } from '../webhooks/events.js';
import type { PgWebhookOutbox } from './webhook-outbox.js';

interface EndedRow {
  id: string;
  campaign_id: number;
  code: string;
  lead_id: number;
  attempt: number;
  phone_e164: string;
  outcome: string | null;
  answered_at: Date | null;
  ended_at: Date | null;
  username: string | null;
  hangup_cause: number | null;
  abandoned: boolean;
}

/**
 * The `call-ended` webhook event of a call whose row has just got its end, read back from the
 * row (so it says what was stored). One per call: the call id is the event's key.
 */
export async function recordCallEnded(db: Knex, outbox: PgWebhookOutbox, callId: string): Promise<void> {
  if (!outbox.wants('call-ended')) return;
  const r = await db('calls as c')
    .join('campaigns as k', 'k.id', 'c.campaign_id')
    .leftJoin('agents as a', 'a.id', 'c.agent_id')
    .where('c.id', callId)
    .first<EndedRow | undefined>(
      'c.id',
      'c.campaign_id',
      'k.code',
      'c.lead_id',
      'c.attempt',
      'c.phone_e164',
      'c.outcome',
      'c.answered_at',
      'c.ended_at',
      'a.username',
      'c.hangup_cause',
      'c.abandoned',
    );
  if (!r?.ended_at) return;
  const data: CallEndedData = {
    callId: r.id,
    campaignId: r.campaign_id,
    campaignCode: r.code,
    leadId: r.lead_id,
    attempt: r.attempt,
    phone: r.phone_e164,
    outcome: r.outcome,
    answeredAt: r.answered_at?.toISOString() ?? null,
    endedAt: r.ended_at.toISOString(),
    talkSec: r.answered_at ? Math.round((r.ended_at.getTime() - r.answered_at.getTime()) / 1000) : null,
    agent: r.username,
    hangupCause: r.hangup_cause,
    abandoned: r.abandoned,
  };
  await outbox.record('call-ended', data, { key: r.id, at: r.ended_at });
}
