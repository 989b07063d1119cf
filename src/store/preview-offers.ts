import type { Knex } from 'knex';
import type { DialAttempt } from '../domain/attempt.js';
import type { LeadEvent } from '../domain/lead/lifecycle.js';
import type { OfferStatus, PreviewOffer } from '../domain/preview/offer.js';
import type { LeadOwnership } from '../domain/preview/offer-rules.js';
import type { LeadAfterSkip, SkipRequest } from '../domain/preview/skip-reasons.js';
import type { OfferStore } from '../ports/preview.js';
import { applyLeadEvent } from './lead-ledger/index.js';

interface OfferRow {
  id: number;
  campaign_id: number;
  lead_id: number;
  attempt: number;
  call_id: string;
  phone_e164: string;
  agent_id: number;
  status: OfferStatus;
  offered_at: Date;
  auto_dial_at: Date | null;
}

function toOffer(r: OfferRow): PreviewOffer {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    leadId: r.lead_id,
    attempt: r.attempt,
    callId: r.call_id,
    phone: r.phone_e164,
    agentId: r.agent_id,
    status: r.status,
    offeredAt: r.offered_at,
    autoDialAt: r.auto_dial_at,
  };
}

/**
 * Gives the offered lead back through the ledger (`skipped` or `returned`), only while it is
 * still on this very attempt — a lead that moved on is left alone.
 */
async function leadOfOffer(trx: Knex, offer: PreviewOffer, event: LeadEvent): Promise<void> {
  const ref = { leadId: offer.leadId, campaignId: offer.campaignId, attempt: offer.attempt };
  await applyLeadEvent(trx, ref, event);
}

/** The preview offers in Postgres (`preview_offers`, migration 0003). */
export class PgOfferStore implements OfferStore {
  constructor(private readonly db: Knex) {}

  async create(o: {
    attempt: DialAttempt;
    agentId: number;
    at: Date;
    autoDialAt: Date | null;
  }): Promise<PreviewOffer | undefined> {
    const rows = await this.db('preview_offers')
      .insert({
        campaign_id: o.attempt.campaignId,
        lead_id: o.attempt.leadId,
        attempt: o.attempt.attempt,
        call_id: o.attempt.callId,
        phone_e164: o.attempt.phone,
        agent_id: o.agentId,
        offered_at: o.at,
        auto_dial_at: o.autoDialAt,
      })
      // Either partial unique index (one open offer per lead, one per agent) refuses it.
      .onConflict()
      .ignore()
      .returning<OfferRow[]>('*');
    const row = rows[0];
    return row ? toOffer(row) : undefined;
  }

  async openOffers(campaignId: number): Promise<PreviewOffer[]> {
    const rows = await this.db('preview_offers')
      .where({ campaign_id: campaignId, status: 'offered' })
      .orderBy('id')
      .select<OfferRow[]>('*');
    return rows.map(toOffer);
  }

  async leadHasOpenOffer(leadId: number): Promise<boolean> {
    const row = await this.db('preview_offers')
      .where({ lead_id: leadId, status: 'offered' })
      .first<{ id: number } | undefined>('id');
    return row !== undefined;
  }

  async ownership(leadId: number): Promise<LeadOwnership> {
    const row = await this.db('leads as l')
      .where('l.id', leadId)
      .first<{ assigned: number | null; owner: number | null } | undefined>(
        'l.assigned_agent_id as assigned',
        this.db.raw(
          `(select cb.agent_id from callbacks cb
             where cb.lead_id = l.id and cb.status = 'pending' and cb.agent_id is not null
             order by cb.due_at limit 1) as owner`,
        ),
      );
    return { assignedAgentId: row?.assigned ?? null, callbackOwnerId: row?.owner ?? null };
  }

  async reattach(offerId: number, autoDialAt: Date | null): Promise<boolean> {
    const n = await this.db('preview_offers')
      .where({ id: offerId, status: 'offered' })
      .update({ auto_dial_at: autoDialAt });
    return n === 1;
  }

  markDialled(offerId: number, at: Date): Promise<boolean> {
    return this.close(this.db, offerId, { status: 'dialled', decided_at: at });
  }

  markRefused(offerId: number, reason: string, at: Date): Promise<boolean> {
    return this.close(this.db, offerId, { status: 'refused', decided_at: at, reason });
  }

  async skip(
    offer: PreviewOffer,
    request: SkipRequest,
    step: LeadAfterSkip,
    at: Date,
    actor = `agent:${offer.agentId}`,
  ): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const closed = await this.close(trx, offer.id, {
        status: 'skipped',
        decided_at: at,
        reason: request.reason,
        note: request.note ?? null,
      });
      if (!closed) return false;
      const skipped: LeadEvent =
        step.kind === 'close'
          ? { type: 'skipped', at, close: true }
          : { type: 'skipped', at, close: false, nextAt: step.at };
      await leadOfOffer(trx, offer, skipped);
      await trx('audit_log').insert({
        actor,
        action: 'preview.skip',
        entity: 'lead',
        entity_id: String(offer.leadId),
        details: {
          offerId: offer.id,
          callId: offer.callId,
          agentId: offer.agentId,
          reason: request.reason,
          note: request.note ?? null,
        },
      });
      return true;
    });
  }

  async returnOffer(offer: PreviewOffer, reason: string, at: Date): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const closed = await this.close(trx, offer.id, { status: 'returned', decided_at: at, reason });
      if (closed) await leadOfOffer(trx, offer, { type: 'returned', at });
      return closed;
    });
  }

  private async close(
    db: Knex,
    offerId: number,
    patch: { status: OfferStatus; decided_at: Date; reason?: string; note?: string | null },
  ): Promise<boolean> {
    const n = await db('preview_offers').where({ id: offerId, status: 'offered' }).update(patch);
    return n === 1;
  }
}
