import type { Knex } from 'knex';

export interface DemoSummary {
  dials: number;
  outcomes: Record<string, number>;
  answered: number;
  liveAnswers: number;
  machines: number;
  bridged: number;
  abandoned: number;
  abandonRate: number;
  /** The customer's wait: their answer → in the agent's bridge (AMD's listening included). */
  answerToAgentMs: Spread;
  /** The engine's share: AMD's verdict (or the answer, without AMD) → in the agent's bridge. */
  verdictToAgentMs: Spread;
  recordingsArchived: number;
  recordingsFailed: number;
  recordingBytes: number;
  occupancy: number;
  loggedInSec: number;
  talkSec: number;
  attemptsWithTwoRows: number;
  originatesWithoutOutcome: number;
}

/** p50, p99 and the largest of a set of durations (ms); undefined when there are none. */
export interface Spread {
  p50?: number;
  p99?: number;
  max?: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
}

function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** What a campaign did, read back from Postgres (not from the engine's memory). */
export async function summarise(db: Knex, campaignId: number): Promise<DemoSummary> {
  const calls = await db('calls').where({ campaign_id: campaignId }).select<
    {
      outcome: string | null;
      originated_at: Date | null;
      answered_at: Date | null;
      amd_at: Date | null;
      amd_result: string | null;
      bridged_at: Date | null;
      abandoned: boolean;
    }[]
  >('outcome', 'originated_at', 'answered_at', 'amd_at', 'amd_result', 'bridged_at', 'abandoned');
  const outcomes: Record<string, number> = {};
  let answered = 0;
  let live = 0;
  let machines = 0;
  let bridged = 0;
  let abandoned = 0;
  let noOutcome = 0;
  const fromAnswer: number[] = [];
  const fromVerdict: number[] = [];
  for (const c of calls) {
    if (!c.originated_at) continue;
    const key = c.outcome ?? 'in progress';
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    if (!c.outcome) noOutcome += 1;
    if (c.answered_at) answered += 1;
    if (c.outcome === 'machine') machines += 1;
    if (c.answered_at && c.outcome !== 'machine') live += 1;
    if (c.abandoned) abandoned += 1;
    if (c.bridged_at) {
      bridged += 1;
      const at = c.bridged_at.getTime();
      if (c.answered_at) fromAnswer.push(at - c.answered_at.getTime());
      const verdict = c.amd_at ?? c.answered_at;
      if (verdict) fromVerdict.push(at - verdict.getTime());
    }
  }
  const rec = await db('recordings as r')
    .join('calls as c', 'c.id', 'r.call_id')
    .where('c.campaign_id', campaignId)
    .select(
      db.raw(`count(*) filter (where r.status = 'archived')::int as archived`),
      db.raw(`count(*) filter (where r.status = 'failed')::int as failed`),
      db.raw(`coalesce(sum(r.bytes) filter (where r.status = 'archived'), 0)::bigint as bytes`),
    )
    .first<{ archived: number; failed: number; bytes: number }>();
  const dup = await db('calls')
    .where({ campaign_id: campaignId })
    .groupBy('lead_id', 'attempt')
    .havingRaw('count(*) > 1')
    .select('lead_id');
  const { loggedIn, talk } = await agentTime(db, campaignId);
  return {
    dials: calls.filter((c) => c.originated_at).length,
    outcomes,
    answered,
    liveAnswers: live,
    machines,
    bridged,
    abandoned,
    abandonRate: live === 0 ? 0 : abandoned / live,
    answerToAgentMs: spread(fromAnswer),
    verdictToAgentMs: spread(fromVerdict),
    recordingsArchived: rec.archived,
    recordingsFailed: rec.failed,
    recordingBytes: Number(rec.bytes),
    occupancy: loggedIn === 0 ? 0 : talk / loggedIn,
    loggedInSec: loggedIn,
    talkSec: talk,
    attemptsWithTwoRows: dup.length,
    originatesWithoutOutcome: noOutcome,
  };
}

/** Logged-in and on-call seconds from the stored agent state events. */
async function agentTime(db: Knex, campaignId: number): Promise<{ loggedIn: number; talk: number }> {
  const events = await db('agent_state_events')
    .where({ campaign_id: campaignId })
    .orderBy(['agent_id', 'at', 'id'])
    .select<{ agent_id: number; state: string; at: Date }[]>('agent_id', 'state', 'at');
  let loggedIn = 0;
  let talk = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const next = events[i + 1];
    if (!e || !next || next.agent_id !== e.agent_id) continue;
    const sec = (next.at.getTime() - e.at.getTime()) / 1000;
    if (e.state !== 'logged-out') loggedIn += sec;
    if (e.state === 'on-call') talk += sec;
  }
  return { loggedIn, talk };
}
