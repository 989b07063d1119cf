import type { Knex } from 'knex';
import { PgDispositionLog } from '../../src/store/dispositions.js';
import type { AcceptedDisposition } from './invariants.js';

/**
 * The agents' side of a fault scenario: every call an agent took and that has ended gets a
 * disposition through the same DispositionLog the HTTP API uses (as an agent's desktop would
 * send it to whichever process answers). Returns the ones accepted, for the invariant check.
 */
export async function disposeTakenCalls(
  db: Knex,
  campaignId: number,
  now = new Date(),
): Promise<AcceptedDisposition[]> {
  const log = new PgDispositionLog(db);
  const calls = await db('calls as c')
    .leftJoin('dispositions as d', 'd.call_id', 'c.id')
    .where('c.campaign_id', campaignId)
    .whereNotNull('c.bridged_at')
    .whereNotNull('c.agent_id')
    .whereNotNull('c.ended_at')
    .whereNull('d.id')
    .select<{ id: string; agent_id: number }[]>('c.id', 'c.agent_id');
  const accepted: AcceptedDisposition[] = [];
  for (const c of calls) {
    const { id } = await log.submit(c.id, Number(c.agent_id), { code: 'not-interested' }, now);
    accepted.push({ id, callId: c.id, code: 'not-interested' });
  }
  return accepted;
}
