import { outcomeFromQ850, Q850, Q850_BY_NAME } from '../../domain/call-outcome.js';
import type { AmdResult, LiveCall, PbxEvent } from '../pbx-driver.js';
import type { EslEvent } from './esl-client.js';

type HangupEvent = Extract<PbxEvent, { type: 'hangup' }>;

/** Q.850 cause of a CHANNEL_HANGUP_COMPLETE, preferring the number over the cause name. */
export function causeOf(headers: Readonly<Record<string, string>>, fallbackName?: string): number {
  const numeric = Number(headers['variable_hangup_cause_q850']);
  if (Number.isInteger(numeric) && numeric > 0) return numeric;
  const name = headers['Hangup-Cause'] ?? fallbackName ?? '';
  return Q850_BY_NAME[name] ?? Q850.NORMAL_UNSPECIFIED;
}

/** Builds our hangup event from CHANNEL_HANGUP_COMPLETE (header names as in FreeSWITCH's events). */
export function hangupFromEvent(callId: string, e: EslEvent, answeredSeen: boolean): HangupEvent {
  const h = e.headers;
  const cause = causeOf(h);
  const answered =
    answeredSeen || Number(h['variable_answersec'] ?? '0') > 0 || h['Answer-State'] === 'answered';
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

/** One row of `show channels as json` (mod_commands; column names of the channels table). */
interface ChannelRow {
  uuid?: string;
  callstate?: string;
}

/** Parses `show channels as json`; FreeSWITCH omits `rows` when there are none. */
export function parseChannels(body: string): { uuid: string; state: LiveCall['state'] }[] {
  let parsed: { rows?: ChannelRow[] };
  try {
    parsed = JSON.parse(body) as { rows?: ChannelRow[] };
  } catch {
    return [];
  }
  return (parsed.rows ?? []).flatMap((r) => (r.uuid ? [{ uuid: r.uuid, state: stateOf(r.callstate) }] : []));
}

function stateOf(callstate: string | undefined): LiveCall['state'] {
  switch (callstate) {
    case 'RINGING':
    case 'EARLY':
      return 'ringing';
    case 'ACTIVE':
    case 'HELD':
      return 'up';
    case 'DOWN':
    case 'HANGUP':
      return 'down';
    default:
      return 'other';
  }
}
