import type { DialAttempt } from '../domain/attempt.js';
import type { OfferView, PreviewOffer } from '../domain/preview/offer.js';
import type { LeadOwnership } from '../domain/preview/offer-rules.js';
import type { LeadAfterSkip, SkipRequest } from '../domain/preview/skip-reasons.js';

/**
 * Where offers are kept (store/preview-offers.ts). Every change of an open offer is conditional
 * on it still being open, so two actions on one offer (a click and the auto-dial, a skip and a
 * logout) cannot both win; the one that loses gets `false`. Closing an offer moves its lead in
 * the same transaction (through the attempt ledger's module).
 */
export interface OfferStore {
  /** Stores a new open offer; undefined when the lead, or the agent in this campaign, has one open. */
  create(o: {
    attempt: DialAttempt;
    agentId: number;
    at: Date;
    autoDialAt: Date | null;
  }): Promise<PreviewOffer | undefined>;
  /** Open offers of a campaign (after a restart: those nobody holds in memory any more). */
  openOffers(campaignId: number): Promise<PreviewOffer[]>;
  leadHasOpenOffer(leadId: number): Promise<boolean>;
  /** Who owns the lead (confidential assignment, agent-owned callback). */
  ownership(leadId: number): Promise<LeadOwnership>;
  /** The agent takes a recovered offer back: a new auto-dial time. */
  reattach(offerId: number, autoDialAt: Date | null): Promise<boolean>;
  markDialled(offerId: number, at: Date): Promise<boolean>;
  /** The gate refused at dial time; the lead itself is the ledger's (`refused`). */
  markRefused(offerId: number, reason: string, at: Date): Promise<boolean>;
  /** Closes the offer as skipped and moves the lead per `step` (`skipped`). */
  /** `actor`: who skipped it (`user:…`/`key:…`; a supervisor acting for the agent). */
  skip(
    offer: PreviewOffer,
    request: SkipRequest,
    step: LeadAfterSkip,
    at: Date,
    actor?: string,
  ): Promise<boolean>;
  /** Closes the offer as returned and puts the lead back at once (`returned`). */
  returnOffer(offer: PreviewOffer, reason: string, at: Date): Promise<boolean>;
}

/** Reads what the agent's screen shows for an offer (store/offer-view.ts). */
export interface OfferViews {
  load(offer: PreviewOffer, now: Date): Promise<OfferView>;
}
