import type { AgentState } from '../agent-state.js';

/**
 * Rules of the preview desk: who a lead may be offered to, when an offer dials by itself, and
 * what becomes of an offer whose agent is gone. Pure; the engine's PreviewDesk applies them.
 */

/** Who owns a lead, as far as offering it goes. */
export interface LeadOwnership {
  /** `leads.assigned_agent_id`: a confidential list — only this agent may see the record. */
  assignedAgentId: number | null;
  /** The agent who owns the lead's pending callback (`callbacks.agent_id`), if any. */
  callbackOwnerId: number | null;
}

/** The one agent a lead may be offered to, or null when any agent may take it. */
export function leadOwner(o: LeadOwnership): number | null {
  // Confidentiality first: an assigned record is never shown to anyone else, even for a
  // callback another agent scheduled.
  return o.assignedAgentId ?? o.callbackOwnerId;
}

/** How the lead's owner is placed right now. */
export type OwnerAvailability =
  /** Ready, holding no offer and no other action in progress: can take it now. */
  | 'free'
  /** Logged in here but on a call, wrapping up, paused or holding another offer. */
  | 'busy'
  /** Not logged in to this campaign in this process. */
  | 'absent';

export type OfferTarget =
  | { kind: 'offer'; agentId: number }
  | { kind: 'hold'; retryInMs: number; why: 'owner-busy' | 'owner-absent' };

/** A lead held for its busy owner is looked at again this soon. */
export const OWNER_BUSY_RETRY_MS = 30_000;
/** A lead held for an owner who is not logged in is looked at again this soon. */
export const OWNER_ABSENT_RETRY_MS = 5 * 60_000;

/**
 * Whom to offer a lead that came off the hopper for `candidateId`: the candidate when nobody
 * owns it, the owner when they can take it now, otherwise nobody yet — the lead goes back to
 * the list for a little while (its attempt not counted) and waits for its owner.
 */
export function offerTarget(
  owner: number | null,
  candidateId: number,
  ownerAvailability: OwnerAvailability,
): OfferTarget {
  if (owner === null || owner === candidateId) return { kind: 'offer', agentId: candidateId };
  if (ownerAvailability === 'free') return { kind: 'offer', agentId: owner };
  if (ownerAvailability === 'busy')
    return { kind: 'hold', retryInMs: OWNER_BUSY_RETRY_MS, why: 'owner-busy' };
  return { kind: 'hold', retryInMs: OWNER_ABSENT_RETRY_MS, why: 'owner-absent' };
}

/** When an offer made at `offeredAt` dials by itself; null = only when the agent clicks. */
export function autoDialAt(offeredAt: Date, previewSeconds: number): Date | null {
  if (!(previewSeconds > 0)) return null;
  return new Date(offeredAt.getTime() + previewSeconds * 1000);
}

export type RecoveredOfferStep = 'reattach' | 'keep' | 'return';

/**
 * An open offer found in the database with no agent holding it in this process — the process
 * that made it died. It goes back to the same agent when they are ready here again (so the
 * record they were reading comes back to them, and nobody else sees it); it waits for them until
 * `holdUntil`; and it is returned to the list when they are busy with something else or do not
 * come back in time.
 */
export function recoveredOfferStep(
  agentState: AgentState | undefined,
  now: number,
  holdUntil: number,
): RecoveredOfferStep {
  if (agentState === 'ready') return 'reattach';
  if (agentState === undefined || agentState === 'logged-out') return now < holdUntil ? 'keep' : 'return';
  return 'return';
}

/**
 * Whether an offer the desk holds is still valid: its agent must still be reserved for exactly
 * this attempt. A dropped softphone, a supervisor's logout or any other change gives it back.
 */
export function heldOfferValid(
  agent: { state: AgentState; callId?: string } | undefined,
  offerCallId: string,
): boolean {
  return agent?.state === 'reserved' && agent.callId === offerCallId;
}
