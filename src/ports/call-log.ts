import type { CallOutcome } from '../domain/call-outcome.js';
import type { PacerObservation } from '../pacing/types.js';

export interface NewCallRow {
  id: string;
  campaign_id: number;
  lead_id: number;
  attempt: number;
  phone_e164: string;
  trunk: string;
  pbx_node: string;
  caller_id?: string | null;
  agent_id?: number | null;
}

/** The moments of a call as they happen (`calls` columns). */
export interface CallPatch {
  originated_at?: Date;
  ringing_at?: Date;
  answered_at?: Date;
  amd_at?: Date;
  bridged_at?: Date;
  ended_at?: Date;
  outcome?: CallOutcome;
  hangup_cause?: number;
  hangup_cause_text?: string;
  sip_status?: number | null;
  amd_result?: string;
  amd_detail?: string;
  agent_id?: number | null;
  abandoned?: boolean;
  id_message_at?: Date;
  failure?: string;
}

/** A call row with no end, as a lost process left it. */
export interface OpenCall {
  id: string;
  leadId: number;
  attempt: number;
  answeredAt: Date | null;
  bridgedAt: Date | null;
  agentId: number | null;
  /**
   * Another dialler process that owns the row and is still alive (its heartbeat is fresh): it
   * will end the call itself, so a new lease holder leaves it alone. Undefined: nobody alive owns it.
   */
  liveOwner?: string;
}

/** The call rows (store/repositories/calls.ts): one per attempt, written as the call goes. */
export interface CallLog {
  /**
   * Inserts the row of a dial attempt before anything is dialled. False when the attempt already
   * has a row: someone else has it, so it must not be dialled again.
   */
  reserve(row: NewCallRow): Promise<boolean>;
  update(id: string, patch: CallPatch): Promise<void>;
  /** The campaign's calls that never ended. */
  open(campaignId: number): Promise<OpenCall[]>;
  /** Ends a call nobody owns any more; false when it had ended meanwhile. */
  endLost(id: string, outcome: CallOutcome, at: Date, failure: string): Promise<boolean>;
}

/** What a restarting runner reads back from the campaign's past calls. */
export interface CallHistory {
  /** Live answers since `since` (machines left out), oldest first: the abandon ledger's input. */
  liveAnswers(campaignId: number, since: Date): Promise<{ at: Date; abandoned: boolean }[]>;
  /** The pacer's observations rebuilt from recent finished calls (store/pacer-history.ts). */
  pacerObservations(
    campaignId: number,
    options: { since: Date; limit: number; wrapSeconds: number },
  ): Promise<PacerObservation[]>;
}
