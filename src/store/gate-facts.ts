import type { Knex } from 'knex';
import { dialScope, type CampaignStatus } from '../domain/campaign/lifecycle.js';
import type { DncType } from '../domain/campaign/purpose.js';
import { evaluateGate, type GateDecision, type GateInput } from '../domain/compliance/gate.js';
import { rulesOf, type CampaignRecord } from './repositories/campaigns.js';

interface FactsRow extends Pick<
  CampaignRecord,
  'purpose' | 'dial_mode' | 'max_attempts' | 'abandon_target' | 'settings'
> {
  lead_id: number;
  campaign_id: number;
  campaign_status: CampaignStatus;
  timezone: string;
  trial_sample: boolean;
  next_attempt_at: Date | null;
  last_abandoned_at: Date | null;
  dnc_types: DncType[];
  blacklisted: boolean;
  last_contact: Date | null;
  attempts: number;
  recent: { at: string; lead_id: number }[];
  callback_due: Date | null;
}

/** Attempts older than this cannot affect any rule (per-day counts, the CN 24 h limit). */
const MIN_LOOKBACK_MIN = 48 * 60;

/**
 * Everything the gate needs about one lead, in one statement: the lead and its campaign, DNC
 * types and blacklist for its number, the last same-purpose contact by another campaign, its own
 * attempt count, recent attempts to the number by any campaign, and its next pending callback.
 * Read just before originate, so a DNC entry added a second ago is seen. One statement, or two
 * when a per-callee limit looks back further than 48 h.
 */
export async function loadGateFacts(
  db: Knex,
  leadId: number,
  now: Date,
  excludeCallId = '',
): Promise<GateInput | undefined> {
  const first = await queryFacts(db, leadId, now, excludeCallId, MIN_LOOKBACK_MIN);
  if (!first) return undefined;
  // A campaign may set a per-callee limit longer than the default look-back: read again, wider.
  const longest = Math.max(0, ...first.rules.calleeLimits.map((l) => l.windowMinutes));
  if (longest <= MIN_LOOKBACK_MIN) return first;
  return queryFacts(db, leadId, now, excludeCallId, longest);
}

async function queryFacts(
  db: Knex,
  leadId: number,
  now: Date,
  excludeCallId: string,
  lookbackMin: number,
): Promise<GateInput | undefined> {
  const since = new Date(now.getTime() - lookbackMin * 60_000);
  const { rows } = await db.raw<{ rows: FactsRow[] }>(
    `select l.id as lead_id, l.campaign_id, c.status as campaign_status, l.timezone, l.trial_sample,
            l.next_attempt_at, l.last_abandoned_at,
            c.purpose, c.dial_mode, c.max_attempts, c.abandon_target, c.settings,
            array(select d.type from dnc_entries d
                   where d.phone_e164 = l.phone_e164 and (d.expires_at is null or d.expires_at > :now)) as dnc_types,
            exists(select 1 from blacklist b where b.phone_e164 = l.phone_e164) as blacklisted,
            (select max(l2.last_contact_at) from leads l2 join campaigns c2 on c2.id = l2.campaign_id
              where l2.phone_e164 = l.phone_e164 and c2.purpose = c.purpose
                and l2.campaign_id <> l.campaign_id) as last_contact,
            (select count(*) from calls k where k.lead_id = l.id and k.id <> :excludeCallId)::int as attempts,
            coalesce((select json_agg(json_build_object('at', k.reserved_at, 'lead_id', k.lead_id))
                        from calls k where k.phone_e164 = l.phone_e164 and k.reserved_at > :since
                         and k.id <> :excludeCallId), '[]'::json) as recent,
            (select min(cb.due_at) from callbacks cb where cb.lead_id = l.id and cb.status = 'pending') as callback_due
       from leads l join campaigns c on c.id = l.campaign_id
      where l.id = :leadId`,
    { leadId, now, since, excludeCallId },
  );
  const r = rows[0];
  if (!r) return undefined;
  return factsToInput(r, now);
}

function factsToInput(r: FactsRow, now: Date): GateInput {
  const rules = rulesOf(r);
  return {
    now,
    campaignScope: dialScope(r.campaign_status),
    lead: {
      timezone: r.timezone,
      trialSample: r.trial_sample,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastAbandonedAt: r.last_abandoned_at,
      callbackDueAt: r.callback_due,
    },
    rules,
    dncHits: r.dnc_types,
    blacklisted: r.blacklisted,
    lastContactSamePurposeAt: r.last_contact,
    recentAttempts: r.recent.map((a) => ({ at: new Date(a.at), sameLead: a.lead_id === r.lead_id })),
    // Preview and progressive reserve an agent before dialling: a live agent is guaranteed.
    liveAgentGuaranteed: r.dial_mode === 'preview' || r.dial_mode === 'progressive',
  };
}

/**
 * The compliance gate over Postgres, in the shape of the engine's `GatePort`: loads the facts
 * for the attempt's lead and applies `evaluateGate`. A lead that no longer exists is refused.
 */
export class PgComplianceGate {
  constructor(private readonly db: Knex) {}

  async check(
    attempt: { leadId: number; callId?: string },
    now: Date,
  ): Promise<GateDecision | { allowed: false; reason: 'lead-not-found' }> {
    const facts = await loadGateFacts(this.db, attempt.leadId, now, attempt.callId);
    if (!facts) return { allowed: false, reason: 'lead-not-found' };
    return evaluateGate(facts);
  }
}
