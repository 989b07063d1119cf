import { Q850_BY_NAME, q850FromSip } from '../../src/domain/call-outcome.js';
import { parseLabNumber, type LabBehaviour } from '../../src/lab/number-plan.js';

/** One simulated FreeSWITCH channel (a leg we originated). */
export interface SimChannel {
  uuid: string;
  dialString: string;
  vars: Record<string, string>;
  callState: 'DOWN' | 'RINGING' | 'ACTIVE' | 'HANGUP';
  answeredAt?: number;
  createdAt: number;
  room?: string;
  jobId: string;
  /** What originate runs after answer: `park` or `eavesdrop`. */
  app: string;
  timers: Set<NodeJS.Timeout>;
  record?: { path: string; startedAt: number; stereo: boolean };
  behaviour: LabBehaviour | { kind: 'agent' };
  talkSec: number;
  /** Keys the far end presses after answering (the lab's `8DD` exchange). */
  keys: string;
}

/** Q.850 cause name for a number (the names FreeSWITCH prints in Hangup-Cause). */
export function causeName(cause: number): string {
  for (const [name, n] of Object.entries(Q850_BY_NAME)) if (n === cause) return name;
  return 'NORMAL_UNSPECIFIED';
}

/**
 * The cause FreeSWITCH 1.11 (mod_sofia sofia_glue_sip_cause_to_freeswitch) reports for a SIP
 * final response: RFC 3398 except 480 → 18 NO_USER_RESPONSE and 503 → 41 NORMAL_TEMPORARY_FAILURE,
 * as seen on the lab's real FreeSWITCH.
 */
export function causeForSip(status: number): number {
  if (status === 480) return Q850_BY_NAME['NO_USER_RESPONSE'] ?? 18;
  if (status === 503) return Q850_BY_NAME['NORMAL_TEMPORARY_FAILURE'] ?? 41;
  return q850FromSip(status);
}

/** Lab number plan (src/lab/number-plan.ts) through a gateway; anything else is an agent phone. */
export function behaviourOf(dialString: string): Pick<SimChannel, 'behaviour' | 'talkSec' | 'keys'> {
  if (!/\d{4}$/.test(dialString) || !dialString.includes('gateway')) {
    return { behaviour: { kind: 'agent' }, talkSec: 0, keys: '' };
  }
  return parseLabNumber(dialString);
}

/**
 * Splits `{a=1,b='x y',c=1\,2}dial string app` as switch_event_create_brackets() does:
 * commas separate variables unless escaped, single quotes protect spaces.
 */
export function parseOriginate(args: string): { vars: Record<string, string>; dial: string; app: string } {
  const vars: Record<string, string> = {};
  let rest = args.trim();
  if (rest.startsWith('{')) {
    const close = rest.indexOf('}');
    const inner = rest.slice(1, close);
    rest = rest.slice(close + 1);
    for (const part of inner.split(/(?<!\\),/)) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      vars[part.slice(0, eq)] = part
        .slice(eq + 1)
        .replace(/\\,/g, ',')
        .replace(/^'(.*)'$/, '$1');
    }
  }
  const [dial = '', ...appParts] = rest.split(' ');
  return { vars, dial, app: appParts.join(' ') };
}

/** Headers FreeSWITCH puts on every channel event (switch_channel_event_set_data). */
export function channelHeaders(ch: SimChannel, coreUuid: string): Record<string, string> {
  const h: Record<string, string> = {
    'Core-UUID': coreUuid,
    'FreeSWITCH-Hostname': 'esl-wire-server',
    'Event-Date-Timestamp': String(Date.now() * 1000),
    'Unique-ID': ch.uuid,
    'Channel-Call-UUID': ch.uuid,
    'Channel-Name': ch.dialString,
    'Call-Direction': 'outbound',
    'Channel-Call-State': ch.callState,
    'Answer-State': ch.answeredAt ? 'answered' : ch.callState === 'RINGING' ? 'ringing' : 'early',
    'Caller-Destination-Number': ch.dialString.split('/').pop() ?? '',
  };
  for (const [k, v] of Object.entries(ch.vars)) h[`variable_${k}`] = v;
  return h;
}
