import type { CallOutcome } from '../domain/call-outcome.js';

/** One dial attempt handed to the engine (from the hopper). */
export interface DialAttempt {
  callId: string;
  campaignId: number;
  leadId: number;
  attempt: number;
  phone: string;
  /**
   * The one agent this lead may go to: its confidential assignment (`leads.assigned_agent_id`),
   * else the owner of its pending callback. Absent: any agent.
   */
  ownerAgentId?: number;
}

export type GateVerdict = { allowed: true } | { allowed: false; reason: string; nextEligibleAt?: Date };

/** The compliance gate, asked just before each originate (so a DNC entry added a second ago wins). */
export interface GatePort {
  check(attempt: DialAttempt, now: Date): Promise<GateVerdict>;
}

/** How an attempt ended, for the lead's next step (retry rules) and the pacer's statistics. */
export interface AttemptResult {
  callId: string;
  leadId: number;
  attempt: number;
  outcome: CallOutcome | 'not-dialled';
  abandoned: boolean;
  /** Answered by a human (or AMD not sure), i.e. counts in the abandon-rate denominator. */
  liveAnswer: boolean;
  agentId?: number;
  ringMs?: number;
  /** When the live answer was routed to the agent queue (answer, or AMD verdict), epoch ms. */
  routedAt?: number;
  /** Answer (or AMD verdict) to agent bridge, ms. */
  connectMs?: number;
  talkMs?: number;
  gateReason?: string;
  nextEligibleAt?: Date;
  /** Agentless: the script was heard to the end (survey completed): the lead is done. */
  contacted?: boolean;
  /** Agentless: a person answered but left before the end, or gave no valid answer. */
  partial?: boolean;
}

/** Applies an attempt's result to its lead: attempt counters, status, next attempt time. */
export interface LeadOutcomePort {
  finish(result: AttemptResult, campaignId: number, at: Date): Promise<void>;
}

/**
 * The result of an attempt that was never dialled (the gate refused it, or no agent could take
 * it): its attempt number is given back and the lead waits until `nextEligibleAt`.
 */
export function notDialled(
  attempt: Pick<DialAttempt, 'callId' | 'leadId' | 'attempt'>,
  why: { gateReason?: string; nextEligibleAt?: Date },
): AttemptResult {
  return {
    callId: attempt.callId,
    leadId: attempt.leadId,
    attempt: attempt.attempt,
    outcome: 'not-dialled',
    abandoned: false,
    liveAnswer: false,
    gateReason: why.gateReason,
    nextEligibleAt: why.nextEligibleAt,
  };
}
