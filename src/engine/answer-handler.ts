import type { CallEvent } from './event-router.js';

/**
 * Who takes an answered call when no agent does (agentless campaigns). CallFlow still owns the
 * call — the call row, the recording from answer to hang-up and its archive, the outcome — and
 * hands the handler the moments it needs. With a handler there is no connect window and no
 * abandon: no agent was promised, so the 2-second rule has nothing to measure (see
 * docs/campaigns.md, "Agentless campaigns").
 */
export interface AnswerHandler {
  /** A person answered (no AMD, or AMD said human / not sure). */
  human(at: number): void;
  /** AMD says answering machine; the handler leaves a message or hangs up. */
  machine(at: number): void;
  /** The call's keys and sound ends. */
  event(e: Extract<CallEvent, { type: 'dtmf' | 'playback-finished' }>): void;
  /** An answered call ended; resolves once everything is stored, with what the call achieved. */
  ended(at: number): Promise<AnswerResult>;
}

export interface AnswerResult {
  /** The purpose of the call was met (survey completed, notification heard): the lead is done. */
  contacted: boolean;
  /** A person was reached but did not finish: retried by the `partial` rule. */
  partial: boolean;
}
