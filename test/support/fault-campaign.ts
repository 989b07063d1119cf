import type { Knex } from 'knex';
import { assignAllAgents } from './accounts.js';

/** The fault scenarios' campaign: one shape, so a scenario differs only in what it breaks. */
export interface LabCampaignOptions {
  code: string;
  /** Lab numbers (src/lab/number-plan.ts), one lead each, in dialling order. */
  numbers: readonly string[];
  /** Lab agents (`agentN`, PJSIP endpoints of the lab's phones) to create. */
  agents: readonly string[];
  dialMode?: 'progressive' | 'predictive';
  /** Replaces parts of `settings.engine`. */
  engine?: Record<string, unknown>;
  maxAttempts?: number;
}

export interface LabCampaign {
  campaignId: number;
  /** The agents' ids, in the order given. */
  agentIds: number[];
  agents: { id: number; username: string; endpoint: string }[];
}

/**
 * Seeds a running campaign on the lab carrier: the agents, an active campaign (care, no AMD,
 * 15 s ring, 1 s wrap-up, open all day every day, one attempt per lead) and one lead per number
 * in UTC. The id is random so scenarios never share rows in the lab's logs.
 */
export async function seedLabCampaign(db: Knex, o: LabCampaignOptions): Promise<LabCampaign> {
  const campaignId = 100_000 + Math.floor(Math.random() * 1e8);
  const agentIds = (
    await db('agents')
      .insert(o.agents.map((u) => ({ username: u, display_name: u, sip_endpoint: `PJSIP/${u}` })))
      .returning<{ id: number }[]>('id')
  ).map((r) => Number(r.id));
  await db('campaigns').insert({
    id: campaignId,
    code: o.code,
    name: `Fault scenario ${o.code}`,
    status: 'active',
    purpose: 'care',
    dial_mode: o.dialMode ?? 'progressive',
    trunk: 'lab-carrier',
    max_attempts: o.maxAttempts ?? 1,
    settings: {
      engine: { ringTimeoutSec: 15, wrapUpSec: 1, amd: false, ...o.engine },
      window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
    },
  });
  await db('leads').insert(
    o.numbers.map((phone) => ({ campaign_id: campaignId, phone_e164: phone, timezone: 'UTC' })),
  );
  // Agents log in only to campaigns they are assigned to.
  await assignAllAgents(db, campaignId);
  return {
    campaignId,
    agentIds,
    agents: o.agents.map((username, i) => ({
      id: agentIds[i] ?? 0,
      username,
      endpoint: `PJSIP/${username}`,
    })),
  };
}

/** Counts the campaign's call rows matching `q`. */
export async function countCalls(
  db: Knex,
  campaignId: number,
  q: (b: Knex.QueryBuilder) => Knex.QueryBuilder = (b) => b,
): Promise<number> {
  const rows = await q(db('calls').where({ campaign_id: campaignId })).count<{ n: number }[]>({ n: '*' });
  return Number(rows[0]?.n);
}

/** The lease changes a worker logged (Lease's onChange): [from, to) while it believed it held it. */
export function leaseIntervals(logged: Record<string, unknown>[], until = Date.now()): [number, number][] {
  const out: [number, number][] = [];
  let from: number | undefined;
  for (const e of logged) {
    const at = Number(e['at']);
    if (e['held'] === true) from = at;
    else if (from !== undefined) {
      out.push([from, at]);
      from = undefined;
    }
  }
  if (from !== undefined) out.push([from, until]);
  return out;
}

/** Pairs of intervals from two processes that overlap (both believed they held the lease). */
export function overlaps(a: [number, number][], b: [number, number][]): [number, number][][] {
  return a.flatMap((x) => b.filter((y) => x[0] < y[1] && y[0] < x[1]).map((y) => [x, y]));
}
