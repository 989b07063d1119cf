import type { Knex } from 'knex';
import type { CallOutcome } from '../domain/call-outcome.js';
import { DEFAULT_TRUNK_BACKOFF, TRUNK_FAILURES } from '../domain/trunk-backoff.js';
import { needsAgents } from '../domain/campaign/dial-mode.js';
import { dialScope } from '../domain/campaign/lifecycle.js';
import { evaluateGate, leadStatusAfterRefusal } from '../domain/compliance/gate.js';
import { FINAL_STATES, type LeadState } from '../domain/lead/lifecycle.js';
import type { CampaignDiagnosis, CampaignDoctor, EngineFacts } from '../ports/diagnosis.js';
import type { TrunkBackoffView } from '../ports/hopper.js';
import { LATEST_REFUSAL_SQL, loadCampaignGateFacts } from '../store/gate-facts.js';
import { getCampaign } from '../store/repositories/campaigns.js';
import { RuleTally } from './rule-tally.js';

export type { CampaignDiagnosis, EngineFacts } from '../ports/diagnosis.js';

/** Leads per lifecycle state. */
async function leadsByState(db: Knex, campaignId: number): Promise<Map<LeadState, number>> {
  const rows = await db('leads')
    .where({ campaign_id: campaignId })
    .groupBy('status')
    .select<{ status: LeadState; n: number }[]>('status', db.raw('count(*)::int as n'));
  return new Map(rows.map((r) => [r.status, r.n]));
}

/**
 * Leads nothing will dial again, by the rule that ended them: a DNC, blacklist or out-of-attempts
 * lead whose latest stored refusal set that state is counted under the refusal's reason; the rest
 * (called to the end, invalid at import, ended by a disposition) as `completed`.
 */
async function finalLeads(db: Knex, campaignId: number, tally: RuleTally): Promise<void> {
  const { rows } = await db.raw<{ rows: { status: string; reason: string | null; n: number }[] }>(
    `select l.status, r.reason, count(*)::int as n
       from leads l ${LATEST_REFUSAL_SQL}
      where l.campaign_id = :campaignId and l.status = any(:final::text[])
      group by 1, 2`,
    { campaignId, final: `{${FINAL_STATES.join(',')}}` },
  );
  for (const r of rows) {
    const byRefusal = r.reason !== null && leadStatusAfterRefusal(r.reason) === r.status;
    tally.add(
      byRefusal ? { rule: r.reason ?? '', leads: r.n, stored: true } : { rule: 'completed', leads: r.n },
    );
  }
}

/**
 * Leads that could be dialled, each group put to the gate. A "retry later" whose time a stored
 * refusal set is counted under that refusal's rule and time — so after a run the doctor still
 * says "outside the window, opens at …" rather than "scheduled later". Returns the eligible count.
 */
async function openLeads(db: Knex, campaignId: number, now: Date, tally: RuleTally): Promise<number> {
  let eligibleNow = 0;
  for (const g of await loadCampaignGateFacts(db, campaignId, now)) {
    const input = g.input.campaignScope === 'none' ? { ...g.input, campaignScope: 'all' as const } : g.input;
    const verdict = evaluateGate(input);
    if (verdict.allowed) {
      eligibleNow += g.leads;
      continue;
    }
    const timezone = g.input.lead.timezone;
    if (verdict.reason === 'scheduled-later' && g.refusal) {
      const { reason, nextEligibleAt } = g.refusal;
      tally.add({ rule: reason, leads: g.leads, nextEligibleAt, timezone, stored: true });
    } else
      tally.add({ rule: verdict.reason, leads: g.leads, nextEligibleAt: verdict.nextEligibleAt, timezone });
  }
  return eligibleNow;
}

/**
 * "Why isn't campaign X dialling?" — its status, the leads eligible now and the others by rule
 * with the time each may be dialled (the window's opening per time zone), and the engine's side
 * (agents, trunk, PBX) when the caller supplies it. Each lead that could be dialled is put to the
 * compliance gate itself (`evaluateGate`), over the facts the engine's gate reads before each
 * originate; leads with identical facts are asked once. Leads a refusal ended or rescheduled are
 * counted from their stored refusal (gate_refusals). A campaign that is not dialling is asked as
 * if it were, so the picture says what would hold each lead back.
 */
export async function diagnoseCampaign(
  db: Knex,
  campaignIdOrCode: number | string,
  now: Date,
  engine: EngineFacts = {},
): Promise<CampaignDiagnosis> {
  const c = await getCampaign(db, campaignIdOrCode);
  const states = await leadsByState(db, c.id);
  const tally = new RuleTally();
  await finalLeads(db, c.id, tally);
  tally.add({ rule: 'in-progress', leads: states.get('dialling') ?? 0 });
  const eligibleNow = await openLeads(db, c.id, now, tally);
  const totalLeads = [...states.values()].reduce((s, n) => s + n, 0);
  const campaign = {
    id: c.id,
    code: c.code,
    name: c.name,
    status: c.status,
    purpose: c.purpose,
    dialMode: c.dial_mode,
  };
  const trunkFailuresInRow = await trunkFailureStreak(db, c.id);
  const diagnosis = {
    campaign,
    at: now,
    totalLeads,
    eligibleNow,
    ineligible: tally.counts(),
    windowOpensAt: tally.windowOpensAt(),
    waits: tally.waits(),
    windowOpens: tally.windowOpens(),
    trunk: engine.trunkName ?? (await trunkOf(db, c.id)),
    trunkFailuresInRow,
    engine,
  };
  return { ...diagnosis, problems: problemsOf(diagnosis) };
}

function problemsOf(d: Omit<CampaignDiagnosis, 'problems'>): string[] {
  const out: string[] = [];
  const scope = dialScope(d.campaign.status);
  if (scope === 'none')
    out.push(`the campaign is ${d.campaign.status}; only trial and active campaigns dial`);
  if (d.totalLeads === 0) out.push('the campaign has no leads; import a list');
  else if (d.eligibleNow === 0) {
    const top = d.waits[0];
    const when = top?.nextEligibleAt
      ? `, the first may be dialled at ${top.nextEligibleAt.toISOString()}`
      : '';
    out.push(
      `no lead is eligible now${top ? `; most are blocked by ${top.rule} (${top.leads}${when})` : ''}`,
    );
    if (d.windowOpensAt) out.push(`the calling window next opens at ${d.windowOpensAt.toISOString()}`);
  }
  if (needsAgents(d.campaign.dialMode) && d.engine.readyAgents === 0) out.push('no agent is ready');
  if (d.engine.trunkFreeChannels === 0) out.push('the trunk has no free channels');
  if (d.engine.trunkBackoff) out.push(trunkBackoffProblem(d.trunk, d.engine.trunkBackoff));
  else if (d.trunkFailuresInRow >= DEFAULT_TRUNK_BACKOFF.failuresToPause)
    out.push(
      `the last ${d.trunkFailuresInRow} calls on trunk ${d.trunk} all failed (congestion — SIP 503 — ` +
        `or a network failure): the carrier is refusing calls; a running dialler pauses the trunk ` +
        `and tries one test call at a time (trunks[].backoff); check the carrier or the trunk's registration`,
    );
  if (d.engine.pbxHealthy === false) out.push('the PBX is not healthy');
  if (d.engine.archiveFull) out.push(`the recording archive is full — ${d.engine.archiveFull}`);
  return out;
}

/** The campaign's trunk as stored (null: the configured default). */
async function trunkOf(db: Knex, campaignId: number): Promise<string> {
  const row = await db('campaigns')
    .where({ id: campaignId })
    .first<{ trunk: string | null } | undefined>('trunk');
  return row?.trunk ?? '(the default trunk)';
}

/** How many of the campaign's most recent ended calls (up to 50) in a row were trunk failures. */
async function trunkFailureStreak(db: Knex, campaignId: number): Promise<number> {
  const outcomes = await db('calls')
    .where({ campaign_id: campaignId })
    .whereNotNull('ended_at')
    .orderBy('ended_at', 'desc')
    .limit(50)
    .pluck<string[]>('outcome');
  const first = outcomes.findIndex((o) => !TRUNK_FAILURES.has(o as CallOutcome));
  return first === -1 ? outcomes.length : first;
}

/** Pure: the doctor's words for a paused trunk. */
export function trunkBackoffProblem(trunk: string, b: TrunkBackoffView): string {
  const what =
    b.lastFailure === 'congestion' ? 'congestion (SIP 503 or "circuit busy")' : 'a network failure';
  const next = b.testCallInProgress
    ? 'a test call is in progress now'
    : `one test call at ${b.pausedUntil.toISOString()}`;
  return (
    `trunk ${trunk} is refusing calls: the last ${b.failuresInRow} failed in a row with ${what}; ` +
    `the dialler has paused it (${b.pauseSec} s) — ${next}, and if that fails too it pauses ` +
    `${b.nextPauseSec} s; check the carrier or the trunk's registration`
  );
}

/** The doctor over Postgres, as the engine registry asks it. */
export class PgCampaignDoctor implements CampaignDoctor {
  constructor(private readonly db: Knex) {}

  diagnose(
    campaignIdOrCode: number | string,
    now: Date,
    engine: EngineFacts = {},
  ): Promise<CampaignDiagnosis> {
    return diagnoseCampaign(this.db, campaignIdOrCode, now, engine);
  }
}
