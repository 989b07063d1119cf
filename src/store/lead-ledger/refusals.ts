import type { Knex } from 'knex';
import type { DialAttempt, GateRefusal } from '../../domain/attempt.js';

/** The `gate_refusals` row of one refused attempt (migrations/0007_gate_refusals.ts). */
export interface RefusalRow {
  campaign_id: number;
  lead_id: number;
  attempt: number;
  reason: string;
  facts: string;
  decided_at: Date;
  next_eligible_at: Date | null;
}

export function refusalRow(attempt: DialAttempt, refusal: GateRefusal, at: Date): RefusalRow {
  return {
    campaign_id: attempt.campaignId,
    lead_id: attempt.leadId,
    attempt: attempt.attempt,
    reason: refusal.reason,
    facts: JSON.stringify(refusal.facts ?? {}),
    decided_at: at,
    next_eligible_at: refusal.nextEligibleAt ?? null,
  };
}

/** Keeps a refusal, in the transaction that applies it to the lead. */
export async function insertRefusal(trx: Knex.Transaction, row: RefusalRow): Promise<void> {
  await trx('gate_refusals').insert(row);
}
