import { outcomeFromQ850, Q850, Q850_BY_NAME, q850FromSip } from '../../domain/call-outcome.js';
import type { AmdResult, PbxEvent } from '../pbx-driver.js';
import type { EslEvent } from './esl-client.js';

type HangupEvent = Extract<PbxEvent, { type: 'hangup' }>;

/** Q.850 cause of a CHANNEL_HANGUP_COMPLETE, preferring the number over the cause name. */
export function causeOf(headers: Readonly<Record<string, string>>, fallbackName?: string): number {
  const numeric = Number(headers['variable_hangup_cause_q850']);
  if (Number.isInteger(numeric) && numeric > 0) return numeric;
  const name = headers['Hangup-Cause'] ?? fallbackName ?? '';
  return Q850_BY_NAME[name] ?? Q850.NORMAL_UNSPECIFIED;
}

/**
 * The cause of a call that was never answered. mod_sofia maps some SIP statuses its own way
 * (503 → 41 NORMAL_TEMPORARY_FAILURE, 480 → 18 NO_USER_RESPONSE) where Asterisk and the rest of
 * the project follow RFC 3398 (34, 19): the far end's status, when there is one, is mapped with
 * the project's table so that outcomes match on both PBXs. 487 is our own CANCEL (the originate
 * timeout): FreeSWITCH's cause (NO_ANSWER) says more than the status.
 */
export function unansweredCause(headers: Readonly<Record<string, string>>): number {
  const sip = Number(headers['variable_sip_term_status']);
  if (Number.isInteger(sip) && sip >= 400 && sip !== 487) return q850FromSip(sip);
  return causeOf(headers);
}

/** Builds our hangup event from CHANNEL_HANGUP_COMPLETE (header names as in FreeSWITCH's events). */
export function hangupFromEvent(callId: string, e: EslEvent, answeredSeen: boolean): HangupEvent {
  const h = e.headers;
  const answered =
    answeredSeen || Number(h['variable_answersec'] ?? '0') > 0 || h['Answer-State'] === 'answered';
  const cause = answered ? causeOf(h) : unansweredCause(h);
  const sip = Number(h['variable_sip_term_status']);
  return {
    type: 'hangup',
    callId,
    outcome: outcomeFromQ850(cause, answered),
    cause,
    causeText: h['Hangup-Cause'] ?? '',
    ...(Number.isInteger(sip) && sip > 0 ? { sipStatus: sip } : {}),
    answered,
    at: Date.now(),
  };
}

/** A failed originate with no channel event (e.g. unknown gateway): only the job's `-ERR CAUSE`. */
export function hangupFromJobError(callId: string, body: string): HangupEvent {
  const name =
    body
      .replace(/^-ERR\s*/, '')
      .trim()
      .split(/\s/)[0] ?? '';
  const cause = Q850_BY_NAME[name] ?? Q850.NORMAL_UNSPECIFIED;
  return {
    type: 'hangup',
    callId,
    outcome: outcomeFromQ850(cause, false),
    cause,
    causeText: name,
    answered: false,
    at: Date.now(),
  };
}

/** mod_amd's `amd_result` (MACHINE/HUMAN/NOTSURE) → our result. */
export function amdFromModAmd(result: string | undefined): AmdResult {
  switch ((result ?? '').toUpperCase()) {
    case 'MACHINE':
      return 'machine';
    case 'HUMAN':
      return 'human';
    case 'HANGUP':
      return 'hangup';
    default:
      return 'notsure';
  }
}
