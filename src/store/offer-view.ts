import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { SKIP_REASON_CODES, SKIP_REASONS } from '../domain/preview/skip-reasons.js';
import type { OfferStatus, OfferView, PreviewOffer } from '../domain/preview/offer.js';
import type { OfferViews } from '../ports/preview.js';

interface LeadRow {
  id: number;
  phone_e164: string;
  name: string | null;
  attributes: Record<string, unknown>;
  timezone: string;
  timezone_source: string;
  campaign_id: number;
  code: string;
  campaign_name: string;
  purpose: string;
  script: string | null;
}

interface HistoryRow {
  id: string;
  attempt: number;
  reserved_at: Date;
  outcome: string | null;
  bridged_at: Date | null;
  ended_at: Date | null;
  agent: string | null;
  d_code: string | null;
  d_notes: string | null;
  d_at: Date | null;
  d_callback_at: Date | null;
}

const iso = (d: Date): string => d.toISOString();

/**
 * Everything the agent sees before dialling an offered lead: the record (number, name, list
 * attributes), the customer's time zone and local time, the attempt number, the lead's earlier
 * calls with their dispositions and notes, earlier offers (who skipped it and why), pending
 * callbacks, and the campaign's script. Only the lead of this offer is read — the agent never
 * sees any other record of the list.
 */
export async function loadOfferView(db: Knex, offer: PreviewOffer, now: Date): Promise<OfferView> {
  const lead = await leadOf(db, offer);
  const calls = await historyOf(db, offer.leadId);
  const offers = await db('preview_offers as o')
    .join('agents as a', 'a.id', 'o.agent_id')
    .where('o.lead_id', offer.leadId)
    .whereNot('o.id', offer.id)
    .orderBy('o.offered_at')
    .select<
      { offered_at: Date; agent: string; status: OfferStatus; reason: string | null; note: string | null }[]
    >('o.offered_at', 'a.username as agent', 'o.status', 'o.reason', 'o.note');
  const callbacks = await db('callbacks as cb')
    .leftJoin('agents as a', 'a.id', 'cb.agent_id')
    .where({ 'cb.lead_id': offer.leadId, 'cb.status': 'pending' })
    .orderBy('cb.due_at')
    .select<{ due_at: Date; kind: string; note: string | null; owner: string | null }[]>(
      'cb.due_at',
      'cb.kind',
      'cb.note',
      'a.username as owner',
    );
  const local = DateTime.fromJSDate(now).setZone(lead.timezone);
  return {
    offerId: offer.id,
    callId: offer.callId,
    attempt: offer.attempt,
    offeredAt: iso(offer.offeredAt),
    autoDialAt: offer.autoDialAt ? iso(offer.autoDialAt) : null,
    lead: {
      id: lead.id,
      phone: lead.phone_e164,
      name: lead.name,
      attributes: lead.attributes,
      timezone: lead.timezone,
      timezoneSource: lead.timezone_source,
      localTime: local.toISO() ?? '',
      localTimeText: local.toFormat('ccc HH:mm'),
    },
    campaign: {
      id: lead.campaign_id,
      code: lead.code,
      name: lead.campaign_name,
      purpose: lead.purpose,
      script: lead.script,
    },
    callbacks: callbacks.map((c) => ({ dueAt: iso(c.due_at), kind: c.kind, note: c.note, owner: c.owner })),
    history: calls.map(historyEntry),
    earlierOffers: offers.map((o) => ({
      at: iso(o.offered_at),
      agent: o.agent,
      status: o.status,
      reason: o.reason,
      note: o.note,
    })),
    skipReasons: SKIP_REASON_CODES.map((code) => ({ code, label: SKIP_REASONS[code].label })),
  };
}

async function leadOf(db: Knex, offer: PreviewOffer): Promise<LeadRow> {
  const lead = await db('leads as l')
    .join('campaigns as c', 'c.id', 'l.campaign_id')
    .where('l.id', offer.leadId)
    .first<LeadRow | undefined>(
      'l.id',
      'l.phone_e164',
      'l.name',
      'l.attributes',
      'l.timezone',
      'l.timezone_source',
      'c.id as campaign_id',
      'c.code',
      'c.name as campaign_name',
      'c.purpose',
      'c.script',
    );
  if (!lead) throw new Error(`lead ${offer.leadId} of offer ${offer.id} does not exist`);
  return lead;
}

function historyOf(db: Knex, leadId: number): Promise<HistoryRow[]> {
  return db('calls as k')
    .leftJoin('agents as a', 'a.id', 'k.agent_id')
    .leftJoin('dispositions as d', 'd.call_id', 'k.id')
    .where('k.lead_id', leadId)
    .orderBy('k.reserved_at')
    .select<HistoryRow[]>(
      'k.id',
      'k.attempt',
      'k.reserved_at',
      'k.outcome',
      'k.bridged_at',
      'k.ended_at',
      'a.username as agent',
      'd.code as d_code',
      'd.notes as d_notes',
      'd.created_at as d_at',
      'd.callback_at as d_callback_at',
    );
}

function historyEntry(c: HistoryRow): OfferView['history'][number] {
  return {
    callId: c.id,
    attempt: c.attempt,
    at: iso(c.reserved_at),
    outcome: c.outcome,
    talkSeconds:
      c.bridged_at && c.ended_at ? Math.round((c.ended_at.getTime() - c.bridged_at.getTime()) / 1000) : null,
    agent: c.agent,
    disposition:
      c.d_code && c.d_at
        ? {
            code: c.d_code,
            notes: c.d_notes,
            at: iso(c.d_at),
            callbackAt: c.d_callback_at ? iso(c.d_callback_at) : null,
          }
        : null,
  };
}

/** The agent screen's read model on Postgres. */
export class PgOfferViews implements OfferViews {
  constructor(private readonly db: Knex) {}

  load(offer: PreviewOffer, now: Date): Promise<OfferView> {
    return loadOfferView(this.db, offer, now);
  }
}
