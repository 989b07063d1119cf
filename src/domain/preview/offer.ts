/** Where an offer stands (`preview_offers.status`). */
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

/** What the agent's screen shows for an offer before the call (store/offer-view.ts reads it). */
export interface OfferView {
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
