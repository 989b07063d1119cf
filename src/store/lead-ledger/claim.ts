import type { Knex } from 'knex';
import type { ClaimedAttempt, DialAttempt } from '../../domain/attempt.js';
import { attemptId } from '../../domain/attempt-id.js';
import type { CLAIMABLE_STATES } from '../../domain/lead/lifecycle.js';

interface ClaimRow {
  id: number;
  phone_e164: string;
  attempts: number;
  owner: number | null;
}

/**
 * The one agent a lead may go to: its confidential assignment first, else the owner of its
 * earliest pending callback (SQL over `leads l`).
 */
const OWNER_SQL = `coalesce(l.assigned_agent_id, (select cb.agent_id from callbacks cb
   where cb.lead_id = l.id and cb.status = 'pending' and cb.agent_id is not null
   order by cb.due_at limit 1))`;

function toAttempt(
  campaignId: number,
  r: { id: number; phone_e164: string; attempts: number; owner: number | null },
) {
  const attempt: DialAttempt = {
    callId: attemptId(campaignId, r.id, r.attempts),
    campaignId,
    leadId: r.id,
    attempt: r.attempts,
    phone: r.phone_e164,
  };
  if (r.owner !== null) attempt.ownerAgentId = r.owner;
  return attempt;
}

/**
 * The hopper's classes — the lifecycle's claimable states — in the order they are claimed; each
 * reads the head of its own index.
 */
const CLASSES: readonly {
  state: (typeof CLAIMABLE_STATES)[number];
  priority: number;
  where: string;
  order: string;
}[] = [
  {
    state: 'callback',
    priority: 1,
    where: `status = 'callback' and next_attempt_at <= :now`,
    order: 'next_attempt_at, id',
  },
  {
    state: 'scheduled',
    priority: 2,
    where: `status = 'scheduled' and next_attempt_at <= :now`,
    order: 'next_attempt_at, id',
  },
  {
    state: 'new',
    priority: 3,
    where: `status = 'new' and (next_attempt_at is null or next_attempt_at <= :now)`,
    order: 'priority, id',
  },
];

/**
 * Moves up to `limit` eligible leads of a campaign into the hopper, in the hopper's order: due
 * callbacks first (earliest due first), then due retries, then fresh leads (by list priority).
 * Each class is one statement that applies the lifecycle's `claimed` to its leads in bulk —
 * status `dialling`, the next attempt number (test/integration/lead-ledger.test.ts holds it to
 * `nextLead`) — with SKIP LOCKED so two feeders never claim the same lead; each reads only the
 * head of its partial index (`leads_due_idx`, `leads_fresh_idx`), so the cost does not grow with
 * the size of the list.
 */
export async function claimLeads(
  db: Knex,
  campaignId: number,
  limit: number,
  now: Date,
): Promise<ClaimedAttempt[]> {
  const out: ClaimedAttempt[] = [];
  for (const c of CLASSES) {
    const want = limit - out.length;
    if (want <= 0) break;
    const { rows } = await db.raw<{ rows: ClaimRow[] }>(
      `with picked as (
         select id from leads
          where campaign_id = :campaignId and ${c.where}
          order by ${c.order}
          limit :want
          for update skip locked
       )
       update leads l
          set status = 'dialling', attempts = l.attempts + 1, updated_at = :now
         from picked
        where l.id = picked.id
    returning l.id, l.phone_e164, l.attempts, ${OWNER_SQL} as owner`,
      { campaignId, want, now },
    );
    for (const r of rows) out.push({ attempt: toAttempt(campaignId, r), priority: c.priority });
  }
  return out;
}

/**
 * Leads left `dialling` with no call row for their current attempt and no open preview offer —
 * claimed, then the process died before dialling. Their attempt was never made, so they are
 * queued again under the same attempt id (a call row, if one appears meanwhile, makes the
 * second hand-off a no-op).
 */
export async function strandedAttempts(
  db: Knex,
  campaignId: number,
  olderThan: Date,
  inFlight: ReadonlySet<string>,
): Promise<ClaimedAttempt[]> {
  const rows = await db('leads as l')
    .where({ 'l.campaign_id': campaignId, 'l.status': 'dialling' })
    .andWhere('l.updated_at', '<', olderThan)
    .whereNotExists(
      db('calls as c').whereRaw('c.lead_id = l.id and c.attempt = l.attempts').select(db.raw('1')),
    )
    // Preview: a lead an agent is reading is not stranded, however long they read.
    .whereNotExists(
      db('preview_offers as o').whereRaw(`o.lead_id = l.id and o.status = 'offered'`).select(db.raw('1')),
    )
    .select<{ id: number; phone_e164: string; attempts: number; owner: number | null }[]>(
      'l.id',
      'l.phone_e164',
      'l.attempts',
      db.raw(`${OWNER_SQL} as owner`),
    );
  return rows
    .map((r) => ({ attempt: toAttempt(campaignId, r), priority: 2 }))
    .filter((c) => !inFlight.has(c.attempt.callId));
}
