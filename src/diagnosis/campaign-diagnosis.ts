import type { Knex } from 'knex';
import type { CallOutcome } from '../domain/call-outcome.js';
import { DEFAULT_TRUNK_BACKOFF, TRUNK_FAILURES } from '../domain/trunk-backoff.js';
import { needsAgents } from '../domain/campaign/dial-mode.js';
import { dialScope } from '../domain/campaign/lifecycle.js';
import { evaluateGate } from '../domain/compliance/gate.js';
import { FINAL_STATES, type LeadState } from '../domain/lead/lifecycle.js';
import type { CampaignDiagnosis, CampaignDoctor, EngineFacts, IneligibleReason } from '../ports/diagnosis.js';
import type { TrunkBackoffView } from '../ports/hopper.js';
import { loadCampaignGateFacts } from '../store/gate-facts.js';
import { getCampaign } from '../store/repositories/campaigns.js';

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
 * "Why isn't campaign X dialling?" — its status, the leads eligible now and the others by reason,
 * and the engine's side (agents, trunk, PBX) when the caller supplies it. Each lead that could be
 * dialled is put to the compliance gate itself (`evaluateGate`), over the facts the engine's gate
 * reads before each originate; leads with identical facts are asked once. A campaign that is not
 * dialling is asked as if it were, so the picture says what would hold each lead back.
 */
export async function diagnoseCampaign(
  db: Knex,
  campaignIdOrCode: number | string,
  now: Date,
  engine: EngineFacts = {},
): Promise<CampaignDiagnosis> {
  const c = await getCampaign(db, campaignIdOrCode);
  const states = await leadsByState(db, c.id);
  const ineligible: Partial<Record<IneligibleReason, number>> = {};
  const add = (reason: IneligibleReason, n: number) => {
    if (n > 0) ineligible[reason] = (ineligible[reason] ?? 0) + n;
  };
  for (const s of FINAL_STATES) add('completed', states.get(s) ?? 0);
  add('in-progress', states.get('dialling') ?? 0);
  let eligibleNow = 0;
  let windowOpensAt: Date | null = null;
  for (const g of await loadCampaignGateFacts(db, c.id, now)) {
    const input = g.input.campaignScope === 'none' ? { ...g.input, campaignScope: 'all' as const } : g.input;
    const verdict = evaluateGate(input);
    if (verdict.allowed) {
      eligibleNow += g.leads;
      continue;
    }
    add(verdict.reason, g.leads);
    const opens = verdict.reason === 'outside-window' ? verdict.nextEligibleAt : undefined;
    if (opens && (!windowOpensAt || opens < windowOpensAt)) windowOpensAt = opens;
  }
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
    ...{ campaign, at: now, totalLeads, eligibleNow, ineligible, windowOpensAt },
    ...{ trunk: engine.trunkName ?? (await trunkOf(db, c.id)), trunkFailuresInRow, engine },
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
    const top = Object.entries(d.ineligible).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))[0];
    out.push(`no lead is eligible now${top ? `; most are blocked by ${top[0]} (${top[1]})` : ''}`);
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
