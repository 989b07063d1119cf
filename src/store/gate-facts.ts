import type { Knex } from 'knex';
import type { GateVerdict } from '../domain/attempt.js';
import { agentReservedBeforeDial } from '../domain/campaign/dial-mode.js';
import { dialScope, type CampaignStatus } from '../domain/campaign/lifecycle.js';
import type { DncType } from '../domain/campaign/purpose.js';
import { evaluateGate, type GateInput } from '../domain/compliance/gate.js';
import { refusalFacts } from '../domain/compliance/refusal-facts.js';
import { CLAIMABLE_STATES } from '../domain/lead/lifecycle.js';
import type { GatePort } from '../ports/gate.js';
import { rulesOf, type CampaignRecord } from './repositories/campaigns.js';

interface CampaignFacts extends Pick<
  CampaignRecord,
  'purpose' | 'dial_mode' | 'max_attempts' | 'abandon_target' | 'settings'
> {
  campaign_status: CampaignStatus;
}

/** The lead's own facts: the same columns for one lead (the gate) and per group (the doctor). */
interface LeadFacts {
  timezone: string;
  trial_sample: boolean;
  next_attempt_at: Date | null;
  last_abandoned_at: Date | null;
  dnc_types: DncType[];
  blacklisted: boolean;
  last_contact: Date | null;
  attempts: number;
  recent: { at: string; same: boolean }[];
  callback_due: Date | null;
}

/** Attempts older than this cannot affect any rule (per-day counts, the CN 24 h limit). */
const MIN_LOOKBACK_MIN = 48 * 60;

/**
 * Everything the gate needs about a lead (SQL over `leads l join campaigns c`): DNC types and
 * blacklist for its number, the last same-purpose contact by another campaign, its own attempt
 * count (call rows), recent attempts to the number by any campaign, its next pending callback.
 */
const LEAD_FACTS_SQL = `l.timezone, l.trial_sample, l.next_attempt_at, l.last_abandoned_at,
  array(select d.type from dnc_entries d
         where d.phone_e164 = l.phone_e164 and (d.expires_at is null or d.expires_at > :now)
         order by d.type) as dnc_types,
  exists(select 1 from blacklist b where b.phone_e164 = l.phone_e164) as blacklisted,
  (select max(l2.last_contact_at) from leads l2 join campaigns c2 on c2.id = l2.campaign_id
    where l2.phone_e164 = l.phone_e164 and c2.purpose = c.purpose
      and l2.campaign_id <> l.campaign_id) as last_contact,
  (select count(*) from calls k where k.lead_id = l.id and k.id <> :excludeCallId)::int as attempts,
  coalesce((select jsonb_agg(jsonb_build_object('at', k.reserved_at, 'same', k.lead_id = l.id)
                              order by k.reserved_at)
              from calls k where k.phone_e164 = l.phone_e164 and k.reserved_at > :since
               and k.id <> :excludeCallId), '[]'::jsonb) as recent,
  (select min(cb.due_at) from callbacks cb where cb.lead_id = l.id and cb.status = 'pending') as callback_due`;

const CAMPAIGN_FACTS_SQL = `c.status as campaign_status, c.purpose, c.dial_mode, c.max_attempts,
  c.abandon_target, c.settings`;

/** How far back attempts matter for a campaign's rules (its longest per-callee limit, ≥ 48 h). */
function lookbackMinutes(c: CampaignFacts): number {
  return Math.max(MIN_LOOKBACK_MIN, ...rulesOf(c).calleeLimits.map((l) => l.windowMinutes));
}

/**
 * Everything the gate needs about one lead, read just before originate (so a DNC entry added a
 * second ago is seen): one statement, or two when a per-callee limit looks back past 48 h.
 */
export async function loadGateFacts(
  db: Knex,
  leadId: number,
  now: Date,
  excludeCallId = '',
): Promise<GateInput | undefined> {
  const read = async (lookbackMin: number) => {
    const since = new Date(now.getTime() - lookbackMin * 60_000);
    const { rows } = await db.raw<{ rows: (LeadFacts & CampaignFacts)[] }>(
      `select ${CAMPAIGN_FACTS_SQL}, ${LEAD_FACTS_SQL}
         from leads l join campaigns c on c.id = l.campaign_id
        where l.id = :leadId`,
      { leadId, now, since, excludeCallId },
    );
    return rows[0];
  };
  const first = await read(MIN_LOOKBACK_MIN);
  if (!first) return undefined;
  const longest = lookbackMinutes(first);
  const r = longest > MIN_LOOKBACK_MIN ? await read(longest) : first;
  return r && factsToInput(r, r, now);
}

/** A group of a campaign's leads whose gate facts are identical, and how many there are. */
export interface GateFactsGroup {
  input: GateInput;
  leads: number;
  /**
   * The stored refusal the group's leads wait on: their latest one, when it set the time they are
   * scheduled for (`next_attempt_at = next_eligible_at`) — the rule behind a "retry later".
   */
  refusal?: { reason: string; nextEligibleAt: Date };
}

/**
 * The latest stored refusal of lead `l` (migrations/0007_gate_refusals.ts): one backward probe of
 * the (lead_id, decided_at) index per lead, no sort (a tie-break on id would add one per lead:
 * 464 → 312 ms over 200,000 leads with 1,000,000 refusals; one lead's refusals are decided at
 * distinct times, one attempt after another).
 */
export const LATEST_REFUSAL_SQL = `left join lateral (
    select g.reason, g.next_eligible_at from gate_refusals g
     where g.lead_id = l.id order by g.decided_at desc limit 1) r on true`;

/**
 * The gate's facts for every lead of a campaign that could be dialled (the lifecycle's claimable
 * states), grouped: leads with identical facts get identical verdicts, so a fresh list of a
 * million leads is a handful of groups. For the doctor, which asks the gate itself.
 */
export async function loadCampaignGateFacts(
  db: Knex,
  campaignId: number,
  now: Date,
): Promise<GateFactsGroup[]> {
  const campaign = await db('campaigns as c')
    .where('c.id', campaignId)
    .first<CampaignFacts | undefined>(db.raw(CAMPAIGN_FACTS_SQL));
  if (!campaign) return [];
  const since = new Date(now.getTime() - lookbackMinutes(campaign) * 60_000);
  const { rows } = await db.raw<{ rows: (LeadFacts & { n: number; refusal_reason: string | null })[] }>(
    `select facts.*, count(*)::int as n from (
       select ${LEAD_FACTS_SQL},
              case when r.next_eligible_at = l.next_attempt_at then r.reason end as refusal_reason
         from leads l join campaigns c on c.id = l.campaign_id ${LATEST_REFUSAL_SQL}
        where l.campaign_id = :campaignId and l.status = any(:open::text[])) facts
      group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`,
    { campaignId, now, since, excludeCallId: '', open: `{${CLAIMABLE_STATES.join(',')}}` },
  );
  return rows.map((r) => ({
    input: factsToInput(campaign, r, now),
    leads: r.n,
    ...(r.refusal_reason && r.next_attempt_at
      ? { refusal: { reason: r.refusal_reason, nextEligibleAt: r.next_attempt_at } }
      : {}),
  }));
}

function factsToInput(c: CampaignFacts, r: LeadFacts, now: Date): GateInput {
  return {
    now,
    campaignScope: dialScope(c.campaign_status),
    lead: {
      timezone: r.timezone,
      trialSample: r.trial_sample,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastAbandonedAt: r.last_abandoned_at,
      callbackDueAt: r.callback_due,
    },
    rules: rulesOf(c),
    dncHits: r.dnc_types,
    blacklisted: r.blacklisted,
    lastContactSamePurposeAt: r.last_contact,
    recentAttempts: r.recent.map((a) => ({ at: new Date(a.at), sameLead: a.same })),
    liveAgentGuaranteed: agentReservedBeforeDial(c.dial_mode),
  };
}

/**
 * The compliance gate over Postgres: loads the facts for the attempt's lead and applies
 * `evaluateGate`. A lead that no longer exists is refused. A refusal carries the facts it rests on.
 */
export class PgComplianceGate implements GatePort {
  constructor(private readonly db: Knex) {}

  async check(attempt: { leadId: number; callId?: string }, now: Date): Promise<GateVerdict> {
    const facts = await loadGateFacts(this.db, attempt.leadId, now, attempt.callId);
    if (!facts) return { allowed: false, reason: 'lead-not-found', facts: { leadId: attempt.leadId } };
    const verdict = evaluateGate(facts);
    return verdict.allowed ? verdict : { ...verdict, facts: refusalFacts(facts, verdict.reason) };
  }
}
