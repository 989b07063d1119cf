import type { LeadOwnership } from '../domain/preview/offer-rules.js';
import type { LeadAfterSkip, SkipRequest } from '../domain/preview/skip-reasons.js';
import type { AgentSession } from './agent-pool.js';
import type { DialAttempt } from './ports.js';

export type OfferStatus = 'offered' | 'dialled' | 'skipped' | 'returned' | 'refused';

/** One lead offered to one agent (a `preview_offers` row). */
export interface PreviewOffer {
  id: number;
  campaignId: number;
  leadId: number;
  attempt: number;
  callId: string;
  phone: string;
  agentId: number;
  status: OfferStatus;
  offeredAt: Date;
  autoDialAt: Date | null;
}

/**
 * Where offers are kept (Postgres: store/preview-offers.ts). Every change of an open offer is
 * conditional on it still being open, so two actions on one offer (a click and the auto-dial,
 * a skip and a logout) cannot both win; the one that loses gets `false`.
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
  /** The gate refused at dial time; the lead itself is handled by the lead-outcome port. */
  markRefused(offerId: number, reason: string, at: Date): Promise<boolean>;
  /** Closes the offer as skipped and moves the lead per `step`; the attempt is given back. */
  skip(offer: PreviewOffer, request: SkipRequest, step: LeadAfterSkip, at: Date): Promise<boolean>;
  /** Closes the offer as returned and puts the lead back at once; the attempt is given back. */
  returnOffer(offer: PreviewOffer, reason: string, at: Date): Promise<boolean>;
  /** Puts back an attempt that was never offered (held for its owner), available from `nextAt`. */
  returnAttempt(attempt: DialAttempt, at: Date, nextAt: Date): Promise<void>;
}

/** Dials an attempt for an agent the desk already reserved for it (implemented by CampaignRunner). */
export interface ReservedLauncher {
  launchReserved(attempt: DialAttempt, agent: AgentSession): void;
}

/** What the agent sees before the call (store/preview-record.ts). */
export interface PreviewRecord {
  offerId: number;
  callId: string;
  attempt: number;
  offeredAt: string;
  autoDialAt: string | null;
  lead: {
    id: number;
    phone: string;
    name: string | null;
    attributes: Record<string, unknown>;
    timezone: string;
    timezoneSource: string;
    /** The customer's local time now (ISO with offset) and as a reader sees it. */
    localTime: string;
    localTimeText: string;
  };
  campaign: { id: number; code: string; name: string; purpose: string; script: string | null };
  callbacks: { dueAt: string; kind: string; note: string | null; owner: string | null }[];
  history: {
    callId: string;
    attempt: number;
    at: string;
    outcome: string | null;
    talkSeconds: number | null;
    agent: string | null;
    disposition: { code: string; notes: string | null; at: string; callbackAt: string | null } | null;
  }[];
  earlierOffers: {
    at: string;
    agent: string;
    status: OfferStatus;
    reason: string | null;
    note: string | null;
  }[];
  skipReasons: { code: string; label: string }[];
}

/** An error of a preview action, with the HTTP status it maps to. */
export class PreviewError extends Error {
  override readonly name = 'PreviewError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 | 503,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
