import type { RefusalFacts } from './compliance/refusal-facts.js';
import type { CallOutcome } from './call-outcome.js';

/** One dial attempt handed to the engine (from the hopper). */
export interface DialAttempt {
  /** `c<campaign>-l<lead>-a<attempt>` (attempt-id.ts): the job id, call row key and channel id. */
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

/** A claimed attempt with its place in the hopper (1 = callback due, 2 = retry due, 3 = fresh). */
export interface ClaimedAttempt {
  attempt: DialAttempt;
  priority: number;
}

/** The compliance gate's answer for one attempt (domain/compliance/gate.ts decides it). */
export type GateVerdict = { allowed: true } | GateRefusal;

/** Why an attempt may not be dialled now, and from when it may be. */
export interface GateRefusal {
  allowed: false;
  reason: string;
  nextEligibleAt?: Date;
  /** The facts the refusal rests on (domain/compliance/refusal-facts.ts), kept with it. */
  facts?: RefusalFacts;
}

/** How a dialled attempt ended, for the lead's next step (retry rules) and the pacer. */
export interface AttemptResult {
  callId: string;
  leadId: number;
  attempt: number;
  /** `not-dialled`: the call row already existed (another hand-off has this attempt). */
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
  /** Agentless: the script was heard to the end (survey completed): the lead is done. */
  contacted?: boolean;
  /** Agentless: a person answered but left before the end, or gave no valid answer. */
  partial?: boolean;
}

/** The facts of an attempt's end the lead's next step depends on. */
export type OutcomeFacts = Pick<
  AttemptResult,
  'outcome' | 'abandoned' | 'agentId' | 'contacted' | 'partial'
> & { outcome: CallOutcome };

/** An agent talked to the customer, or an agentless script was heard to the end. */
export function reachedCustomer(r: Pick<AttemptResult, 'agentId' | 'contacted' | 'abandoned'>): boolean {
  return (r.agentId !== undefined || r.contacted === true) && !r.abandoned;
}
