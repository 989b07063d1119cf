import type { Knex } from 'knex';
import { attemptId } from '../domain/attempt-id.js';
import type { RefusalFacts } from '../domain/compliance/refusal-facts.js';
import type { Logger } from '../logger.js';
import type { LeadRefusals, RefusalHistory, StoredRefusal } from '../ports/refusals.js';

interface LeadRow {
  id: number;
  campaign_id: number;
  code: string;
  phone_e164: string;
  status: string;
  next_attempt_at: Date | null;
  calls: number;
}

interface RefusalDbRow {
  lead_id: number;
  campaign_id: number;
  attempt: number;
  reason: string;
  facts: RefusalFacts;
  decided_at: Date;
  next_eligible_at: Date | null;
}

/** How many refusals of one lead are returned, newest first, unless asked otherwise. */
const DEFAULT_LIMIT = 100;

/** The stored refusals (gate_refusals), read by lead or by the lead's number. */
export class PgRefusalHistory implements RefusalHistory {
  constructor(private readonly db: Knex) {}

  ofPhone(phoneE164: string, limit = DEFAULT_LIMIT): Promise<LeadRefusals[]> {
    return this.leads('l.phone_e164 = :key', phoneE164, limit);
  }

  async ofLead(leadId: number, limit = DEFAULT_LIMIT): Promise<LeadRefusals | undefined> {
    return (await this.leads('l.id = :key', leadId, limit))[0];
  }

  private async leads(where: string, key: string | number, limit: number): Promise<LeadRefusals[]> {
    const { rows: leads } = await this.db.raw<{ rows: LeadRow[] }>(
      `select l.id, l.campaign_id, c.code, l.phone_e164, l.status, l.next_attempt_at,
              (select count(*) from calls k where k.lead_id = l.id)::int as calls
         from leads l join campaigns c on c.id = l.campaign_id
        where ${where} order by l.id`,
      { key },
    );
    const out: LeadRefusals[] = [];
    for (const l of leads) {
      const rows = await this.db('gate_refusals')
        .where({ lead_id: l.id })
        .orderBy('decided_at', 'desc')
        .limit(limit)
        .select<RefusalDbRow[]>('*');
      out.push({
        leadId: l.id,
        campaignId: l.campaign_id,
        campaignCode: l.code,
        phone: l.phone_e164,
        status: l.status,
        nextAttemptAt: l.next_attempt_at,
        calls: l.calls,
        refusals: rows.map(toStored),
      });
    }
    return out;
  }
}

function toStored(r: RefusalDbRow): StoredRefusal {
  return {
    callId: attemptId(r.campaign_id, r.lead_id, r.attempt),
    attempt: r.attempt,
    reason: r.reason,
    facts: r.facts,
    decidedAt: r.decided_at,
    nextEligibleAt: r.next_eligible_at,
  };
}

/** Refusals of one campaign on one day (in the report's time zone) for one reason. */
export interface RefusalReportRow {
  /** YYYY-MM-DD in the report's time zone. */
  day: string;
  reason: string;
  refusals: number;
  /** Distinct leads refused for this reason that day. */
  leads: number;
}

/**
 * The compliance report of a campaign's refusals: per day (in `timezone`) and reason, how many
 * attempts the gate refused and for how many leads, for refusals decided in [from, to). Read on
 * the campaign-and-time index, from the stored facts only.
 */
export async function refusalReport(
  db: Knex,
  campaignId: number,
  range: { from: Date; to: Date; timezone: string },
): Promise<RefusalReportRow[]> {
  const { rows } = await db.raw<{ rows: RefusalReportRow[] }>(
    `select to_char(decided_at at time zone :zone, 'YYYY-MM-DD') as day, reason,
            count(*)::int as refusals, count(distinct lead_id)::int as leads
       from gate_refusals
      where campaign_id = :campaignId and decided_at >= :from and decided_at < :to
      group by 1, 2 order by 1, 2`,
    { zone: range.timezone, campaignId, from: range.from, to: range.to },
  );
  return rows;
}

/**
 * Deletes refusals decided before `before`, campaign by campaign and `batch` rows at a time (each
 * a short statement on the campaign index, so a retention run never holds a long lock). Returns
 * how many were deleted.
 */
export async function pruneRefusals(db: Knex, before: Date, batch = 10_000): Promise<number> {
  const campaigns = await db('campaigns').pluck<number[]>('id');
  let total = 0;
  for (const campaignId of campaigns) {
    for (;;) {
      const n = await db('gate_refusals')
        .whereIn(
          'id',
          db('gate_refusals')
            .select('id')
            .where('campaign_id', campaignId)
            .andWhere('decided_at', '<', before)
            .limit(batch),
        )
        .delete();
      total += n;
      if (n < batch) break;
    }
  }
  return total;
}

/**
 * The retention job of `dialer run`: prunes refusals older than `days` a minute after start and
 * then every `everyMs`. Returns the function that stops it.
 */
export function scheduleRefusalRetention(
  db: Knex,
  days: number,
  logger: Logger,
  everyMs = 3_600_000,
): () => void {
  const run = () => {
    const before = new Date(Date.now() - days * 86_400_000);
    pruneRefusals(db, before).then(
      (n) => n > 0 && logger.info({ deleted: n, before }, 'old gate refusals pruned'),
      (err: unknown) => logger.error({ err }, 'pruning gate refusals failed'),
    );
  };
  const first = setTimeout(run, 60_000);
  const every = setInterval(run, everyMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
