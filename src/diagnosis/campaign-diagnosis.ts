import type { Knex } from 'knex';
import { needsAgents } from '../domain/campaign/dial-mode.js';
import { dialScope } from '../domain/campaign/lifecycle.js';
import { evaluateGate, leadStatusAfterRefusal } from '../domain/compliance/gate.js';
import { FINAL_STATES, type LeadState } from '../domain/lead/lifecycle.js';
import type { CampaignDiagnosis, CampaignDoctor, EngineFacts } from '../ports/diagnosis.js';
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
  const diagnosis = {
    campaign,
    at: now,
    totalLeads,
    eligibleNow,
    ineligible: tally.counts(),
    windowOpensAt: tally.windowOpensAt(),
    waits: tally.waits(),
    windowOpens: tally.windowOpens(),
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
  if (d.engine.pbxHealthy === false) out.push('the PBX is not healthy');
  return out;
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
