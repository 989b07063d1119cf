import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import type { PbxDriver } from '../pbx/pbx-driver.js';
import type { LeadOutcomePort } from './ports.js';

interface OpenRow {
  id: string;
  lead_id: number;
  attempt: number;
  answered_at: Date | null;
  bridged_at: Date | null;
  agent_id: number | null;
}

/**
 * Finishes the call rows of a campaign that a dead dialler process left open, when this process
 * takes the campaign's lease. The call is hung up if it is still on the PBX (nobody owns it any
 * more), the row gets an end and an outcome, and the lead its next step — the attempt itself is
 * never dialled again, because its row exists.
 */
export async function finishOrphans(
  db: Knex,
  pbx: PbxDriver,
  leads: LeadOutcomePort,
  logger: Logger,
  campaignId: number,
  own: ReadonlySet<string>,
  now: () => number,
): Promise<number> {
  const rows = await db('calls')
    .where({ campaign_id: campaignId })
    .whereNull('ended_at')
    .select<OpenRow[]>('id', 'lead_id', 'attempt', 'answered_at', 'bridged_at', 'agent_id');
  let finished = 0;
  for (const r of rows) {
    if (own.has(r.id)) continue;
    await pbx.hangup(r.id);
    const at = new Date(now());
    const outcome = r.answered_at ? 'answered' : 'failed';
    const updated = await db('calls').where({ id: r.id }).whereNull('ended_at').update({
      ended_at: at,
      outcome,
      failure: 'its dialler process was lost; finished by the next lease holder',
    });
    if (updated === 0) continue;
    await leads.finish(
      {
        callId: r.id,
        leadId: r.lead_id,
        attempt: r.attempt,
        outcome,
        abandoned: false,
        liveAnswer: r.answered_at !== null,
        agentId: r.bridged_at ? (r.agent_id ?? undefined) : undefined,
      },
      campaignId,
      at,
    );
    finished += 1;
  }
  if (finished > 0) logger.warn({ finished }, 'finished call rows left open by a lost dialler process');
  return finished;
}
