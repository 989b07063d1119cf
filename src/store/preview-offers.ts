import type { Knex } from 'knex';
import { RETURNED_STATUS_SQL } from './hopper-feed.js';
import type { LeadOwnership } from '../domain/preview/offer-rules.js';
import type { LeadAfterSkip, SkipRequest } from '../domain/preview/skip-reasons.js';
import type { DialAttempt } from '../engine/ports.js';
import type { OfferStatus, OfferStore, PreviewOffer } from '../engine/preview-ports.js';

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
 * Puts a claimed lead back without using up its attempt: back to `callback` when a callback is
 * still pending (so it keeps its place at the head of the hopper), else `scheduled`. Only while
 * the lead is still on this very attempt — a lead that moved on is left alone.
 */
async function giveBackLead(
  db: Knex,
  lead: { leadId: number; attempt: number },
  at: Date,
  next: { nextAt?: Date | null; close?: boolean },
): Promise<void> {
  const patch: Record<string, unknown> = {
    attempts: db.raw('greatest(l.attempts - 1, 0)'),
    updated_at: at,
    status: next.close ? 'done' : db.raw(RETURNED_STATUS_SQL),
  };
  if (next.close) patch['next_attempt_at'] = null;
  else if (next.nextAt) patch['next_attempt_at'] = next.nextAt;
  // A retry is read by its due time: one given back with none is due now.
  else patch['next_attempt_at'] = db.raw(`coalesce(l.next_attempt_at, ?)`, [at]);
  await db('leads as l')
    .where({ 'l.id': lead.leadId, 'l.status': 'dialling', 'l.attempts': lead.attempt })
    .update(patch);
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

  async skip(offer: PreviewOffer, request: SkipRequest, step: LeadAfterSkip, at: Date): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const closed = await this.close(trx, offer.id, {
        status: 'skipped',
        decided_at: at,
        reason: request.reason,
        note: request.note ?? null,
      });
      if (!closed) return false;
      await giveBackLead(trx, offer, at, step.kind === 'close' ? { close: true } : { nextAt: step.at });
      await trx('audit_log').insert({
        actor: `agent:${offer.agentId}`,
        action: 'preview.skip',
        entity: 'lead',
        entity_id: String(offer.leadId),
        details: {
          offerId: offer.id,
          callId: offer.callId,
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
      if (closed) await giveBackLead(trx, offer, at, {});
      return closed;
    });
  }

  async returnAttempt(attempt: DialAttempt, at: Date, nextAt: Date): Promise<void> {
    await giveBackLead(this.db, attempt, at, { nextAt });
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
