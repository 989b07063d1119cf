import type { Knex } from 'knex';
import { dialScope, type CampaignStatus } from '../domain/campaign/lifecycle.js';
import { dncTypesBlocking, type CampaignPurpose } from '../domain/campaign/purpose.js';
import { isWithinWindow, nextAllowedTime } from '../domain/compliance/window.js';
import { getCampaign, rulesOf } from '../store/repositories/campaigns.js';

/** Why a lead cannot be dialled right now (the doctor's buckets). */
export type IneligibleReason =
  | 'completed'
  | 'in-progress'
  | 'blacklist'
  | 'dnc'
  | 'attempts'
  | 'not-in-trial-sample'
  | 'cap'
  | 'scheduled-later'
  | 'abandon-block'
  | 'window';

/** What only the running engine knows; the doctor reports them when given. */
export interface EngineFacts {
  readyAgents?: number;
  /** Free channels on the campaign's trunk. */
  trunkFreeChannels?: number;
  pbxHealthy?: boolean;
}

export interface CampaignDiagnosis {
  campaign: {
    id: number;
    code: string;
    name: string;
    status: CampaignStatus;
    purpose: string;
    dialMode: string;
  };
  at: Date;
  totalLeads: number;
  eligibleNow: number;
  ineligible: Partial<Record<IneligibleReason, number>>;
  /** Earliest time the window opens for leads that are only waiting for it. */
  windowOpensAt: Date | null;
  engine: EngineFacts;
  /** Plain-language reasons the campaign is not dialling, most important first. */
  problems: string[];
}

interface Bucket {
  timezone: string;
  reason: IneligibleReason | 'candidate';
  n: number;
}

/** Counts leads per reason in one pass (first matching reason wins, in the gate's order). */
async function bucketLeads(db: Knex, campaignId: number, now: Date, p: BucketParams): Promise<Bucket[]> {
  const { rows } = await db.raw<{ rows: Bucket[] }>(
    `select l.timezone, case
        when l.status in ('done','dnc','invalid','blocked') then 'completed'
        when l.status = 'dialling' then 'in-progress'
        when exists (select 1 from blacklist b where b.phone_e164 = l.phone_e164) then 'blacklist'
        when exists (select 1 from dnc_entries d where d.phone_e164 = l.phone_e164
                       and d.type = any(:dncTypes::text[]) and (d.expires_at is null or d.expires_at > :now)) then 'dnc'
        when l.attempts >= :maxAttempts and not exists (select 1 from callbacks cb where cb.lead_id = l.id
          and cb.status = 'pending' and cb.due_at <= :now) then 'attempts'
        when :trialOnly and not l.trial_sample then 'not-in-trial-sample'
        when :capDays > 0 and exists (select 1 from leads l2 join campaigns c2 on c2.id = l2.campaign_id
                       where l2.phone_e164 = l.phone_e164 and l2.campaign_id <> l.campaign_id and c2.purpose = :purpose
                         and l2.last_contact_at > :capCut) then 'cap'
        when l.next_attempt_at > :now then 'scheduled-later'
        when exists (select 1 from callbacks cb where cb.lead_id = l.id and cb.status = 'pending'
                       and cb.due_at > :now) then 'scheduled-later'
        when not :liveAgent and l.last_abandoned_at > :abandonCut then 'abandon-block'
        else 'candidate' end as reason, count(*)::int as n
       from leads l where l.campaign_id = :campaignId group by 1, 2`,
    {
      campaignId,
      now,
      dncTypes: `{${p.dncTypes.join(',')}}`,
      maxAttempts: p.maxAttempts,
      trialOnly: p.trialOnly,
      capDays: p.capDays,
      purpose: p.purpose,
      liveAgent: p.liveAgent,
      capCut: new Date(now.getTime() - p.capDays * 86_400_000),
      abandonCut: new Date(now.getTime() - p.abandonHours * 3_600_000),
    },
  );
  return rows;
}

interface BucketParams {
  dncTypes: readonly string[];
  maxAttempts: number;
  trialOnly: boolean;
  capDays: number;
  purpose: string;
  liveAgent: boolean;
  abandonHours: number;
}

/**
 * "Why isn't campaign X dialling?" — status, eligible leads now, ineligible leads by reason and
 * the engine's side (agents, trunk, PBX) when the caller supplies it. Per-callee limits (CN) and
 * per-day attempt counts are left to the gate at dial time; this is a campaign-level picture.
 */
export async function explainCampaign(
  db: Knex,
  campaignIdOrCode: number | string,
  now: Date,
  engine: EngineFacts = {},
): Promise<CampaignDiagnosis> {
  const c = await getCampaign(db, campaignIdOrCode);
  const rules = rulesOf(c);
  const scope = dialScope(c.status);
  const buckets = await bucketLeads(db, c.id, now, {
    dncTypes: dncTypesBlocking(c.purpose as CampaignPurpose),
    maxAttempts: rules.maxAttempts,
    trialOnly: scope === 'trial-sample',
    capDays: rules.frequencyCapDays,
    purpose: c.purpose,
    liveAgent: c.dial_mode === 'preview' || c.dial_mode === 'progressive',
    abandonHours: rules.abandonBlockHours,
  });
  const ineligible: Partial<Record<IneligibleReason, number>> = {};
  let eligibleNow = 0;
  let windowOpensAt: Date | null = null;
  for (const b of buckets) {
    if (b.reason === 'candidate' && isWithinWindow(now, b.timezone, rules.window, rules.holidays)) {
      eligibleNow += b.n;
      continue;
    }
    const reason = b.reason === 'candidate' ? 'window' : b.reason;
    ineligible[reason] = (ineligible[reason] ?? 0) + b.n;
    if (reason === 'window') {
      const opens = nextAllowedTime(now, b.timezone, rules.window, rules.holidays);
      if (opens && (!windowOpensAt || opens < windowOpensAt)) windowOpensAt = opens;
    }
  }
  const totalLeads = buckets.reduce((s, b) => s + b.n, 0);
  const campaign = {
    id: c.id,
    code: c.code,
    name: c.name,
    status: c.status,
    purpose: c.purpose,
    dialMode: c.dial_mode,
  };
  const diagnosis = { campaign, at: now, totalLeads, eligibleNow, ineligible, windowOpensAt, engine };
  return { ...diagnosis, problems: problemsOf(diagnosis) };
}

function problemsOf(d: Omit<CampaignDiagnosis, 'problems'>): string[] {
  const out: string[] = [];
  const scope = dialScope(d.campaign.status);
  if (scope === 'none')
    out.push(`the campaign is ${d.campaign.status}; only trial and active campaigns dial`);
  if (d.totalLeads === 0) out.push('the campaign has no leads; import a list');
  else if (d.eligibleNow === 0) {
    const top = Object.entries(d.ineligible).sort((a, b) => b[1] - a[1])[0];
    out.push(`no lead is eligible now${top ? `; most are blocked by ${top[0]} (${top[1]})` : ''}`);
    if (d.windowOpensAt) out.push(`the calling window next opens at ${d.windowOpensAt.toISOString()}`);
  }
  const needsAgents = d.campaign.dialMode !== 'agentless';
  if (needsAgents && d.engine.readyAgents === 0) out.push('no agent is ready');
  if (d.engine.trunkFreeChannels === 0) out.push('the trunk has no free channels');
  if (d.engine.pbxHealthy === false) out.push('the PBX is not healthy');
  return out;
}
