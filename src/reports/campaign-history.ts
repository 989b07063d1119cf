import type { Knex } from 'knex';
import type { CampaignHistory } from '../sim/what-if.js';

/**
 * A campaign's own record, in the simulator's terms: answer shares from its calls, ring and
 * talk times from their timestamps, wrap-up times from the agents' stored state changes.
 */
export async function loadCampaignHistory(
  db: Knex,
  campaignId: number,
  code: string,
): Promise<CampaignHistory> {
  const counts = await db('calls')
    .where({ campaign_id: campaignId })
    .whereNotNull('originated_at')
    .first<{ dials: number; humans: number; machines: number; busy: number }>(
      db.raw('count(*)::int as dials'),
      db.raw(
        `count(*) filter (where answered_at is not null and coalesce(outcome, '') <> 'machine')::int as humans`,
      ),
      db.raw(`count(*) filter (where outcome = 'machine')::int as machines`),
      db.raw(`count(*) filter (where outcome = 'busy')::int as busy`),
    );
  const seconds = async (from: string, to: string): Promise<number[]> => {
    const { rows } = await db.raw<{ rows: { s: number }[] }>(
      `select extract(epoch from ${to} - ${from})::float8 as s from calls
        where campaign_id = ? and ${from} is not null and ${to} is not null`,
      [campaignId],
    );
    return rows.map((r) => Number(r.s));
  };
  const ring = await seconds('originated_at', 'answered_at');
  const talk = await seconds('bridged_at', 'ended_at');
  const { rows: wrap } = await db.raw<{ rows: { s: number }[] }>(
    `select extract(epoch from next_at - at)::float8 as s from (
       select state, at, lead(at) over (partition by agent_id order by at, id) as next_at
         from agent_state_events where campaign_id = ?) e
      where state = 'wrap-up' and next_at is not null`,
    [campaignId],
  );
  const agents = await db('agent_state_events')
    .where({ campaign_id: campaignId })
    .countDistinct<{ n: number }[]>({ n: 'agent_id' });
  return {
    campaign: code,
    agents: Number(agents[0]?.n ?? 0),
    dials: counts.dials,
    humanAnswers: counts.humans,
    machineAnswers: counts.machines,
    busy: counts.busy,
    ringSeconds: ring,
    talkSeconds: talk,
    wrapSeconds: wrap.map((w) => Number(w.s)),
  };
}
