/** The events an endpoint may subscribe to. */
export const WEBHOOK_EVENTS = ['call-ended', 'disposition-saved', 'dnc-added'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** What every delivery's body is: one event, with an id a receiver uses to drop duplicates. */
export interface WebhookEnvelope<T = Record<string, unknown>> {
  /** Stable per event: a redelivery (retry, replay) carries the same id. */
  id: string;
  type: WebhookEventType;
  /** When it happened (ISO 8601, UTC). */
  occurredAt: string;
  data: T;
}

/** `call-ended`: a dial attempt's call row got its end. */
export interface CallEndedData {
  callId: string;
  campaignId: number;
  campaignCode: string;
  leadId: number;
  attempt: number;
  /** E.164; personal data — see docs/webhooks.md. */
  phone: string;
  outcome: string | null;
  answeredAt: string | null;
  endedAt: string;
  /** From answer to end, seconds (null when never answered). */
  talkSec: number | null;
  agent: string | null;
  hangupCause: number | null;
  abandoned: boolean;
}

/** `disposition-saved`: an agent's disposition of a call was stored and applied. */
export interface DispositionSavedData {
  dispositionId: number;
  callId: string;
  campaignId: number;
  leadId: number;
  agent: string | null;
  code: string;
  dncRequested: boolean;
  callbackAt: string | null;
  savedAt: string;
}

/** `dnc-added`: a number went on the do-not-call list (any source: call, API, CLI, import). */
export interface DncAddedData {
  phone: string;
  type: string;
  source: string;
  reason: string | null;
  /** Who did it, as the audit log names them. */
  actor: string;
  callId: string | null;
}
