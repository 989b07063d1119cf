import type { Knex } from 'knex';
import type { PacerObservation } from '../pacing/types.js';

interface HistoryRow {
  originated_at: Date;
  answered_at: Date | null;
  amd_at: Date | null;
  amd_result: string | null;
  bridged_at: Date | null;
  ended_at: Date;
  outcome: string | null;
  abandoned: boolean;
}

/**
 * The pacer's observations rebuilt from a campaign's most recent finished calls, oldest first,
 * exactly as the runner reports them live: each dial's resolution (routed to the agent queue =
 * a live answer, after how long from originate) and each connected call's talk and wrap-up.
 * Feeding them at start-up means a restart or a fail-over does not send the pacer back to its
 * progressive warm-up.
 */
export async function loadPacerHistory(
  db: Knex,
  campaignId: number,
  options: { since: Date; limit: number; wrapSeconds: number },
): Promise<PacerObservation[]> {
  const rows = await db('calls')
    .where({ campaign_id: campaignId })
    .whereNotNull('originated_at')
    .whereNotNull('ended_at')
    .andWhere('originated_at', '>=', options.since)
    .orderBy('originated_at', 'desc')
    .limit(options.limit)
    .select<HistoryRow[]>(
      'originated_at',
      'answered_at',
      'amd_at',
      'amd_result',
      'bridged_at',
      'ended_at',
      'outcome',
      'abandoned',
    );
  const out: PacerObservation[] = [];
  for (const r of rows.reverse()) out.push(...observationsOf(r, options.wrapSeconds));
  return out;
}

/** One call row → what the runner told the pacer when that call ended. */
export function observationsOf(r: HistoryRow, wrapSeconds: number): PacerObservation[] {
  const sec = (d: Date) => d.getTime() / 1000;
  const routed = r.answered_at !== null && r.outcome !== 'machine' && r.amd_result !== 'machine';
  // A live answer is routed at the AMD verdict when AMD ran, else at the answer.
  const routedAt = routed ? (r.amd_at ?? r.answered_at ?? r.ended_at) : r.ended_at;
  const obs: PacerObservation[] = [
    {
      type: 'dial-resolved',
      now: sec(r.ended_at),
      routed,
      delaySeconds: Math.max(0, sec(routedAt) - sec(r.originated_at)),
    },
  ];
  if (r.bridged_at) {
    obs.push({
      type: 'handle',
      now: sec(r.ended_at),
      talkSeconds: Math.max(0, sec(r.ended_at) - sec(r.bridged_at)),
      wrapSeconds,
    });
  }
  return obs;
}
