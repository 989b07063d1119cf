import { PbxError, type HangupReason, type OriginateRequest, type SnoopMode } from '../pbx-driver.js';
import { assertProtocolText } from '../protocol-values.js';

/** FreeSWITCH hangup cause names (developer.signalwire.com/freeswitch/reference/hangup-causes). */
export const FS_HANGUP_CAUSES: Record<HangupReason, string> = {
  normal: 'NORMAL_CLEARING',
  busy: 'USER_BUSY',
  congestion: 'NORMAL_CIRCUIT_CONGESTION',
};

/**
 * Quotes one `{var=value}` value the way switch_event_create_brackets() reads it: commas split
 * variables unless escaped with a backslash, and single quotes protect spaces.
 */
export function quoteVar(value: string): string {
  assertProtocolText('channel variable value', value);
  const v = value.replace(/'/g, '').replace(/,/g, '\\,');
  return /\s/.test(v) ? `'${v}'` : v;
}

/** Channel-variable names reach FreeSWITCH unquoted, so only a safe alphabet is allowed. */
export function assertVarName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
    throw new PbxError('rejected', `channel variable name "${name}" is not allowed`);
  }
}

/** The same alphabet as call ids: bridge ids become conference room names. */
export function assertRoomId(id: string): void {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
    throw new PbxError('rejected', `bridge id "${id}" must match [A-Za-z0-9._-]{1,64}`);
  }
}

/** Dial strings are passed through unquoted; whitespace would end the argument. */
function assertEndpoint(endpoint: string): void {
  if (!/^[^\s{}']+$/.test(endpoint))
    throw new PbxError('rejected', `dial string "${endpoint}" is not allowed`);
}

/**
 * `originate {vars}<dial string> <app>` (mod_commands originate; the `{}` variables are the
 * Channel-Variables-Catalog ones: origination_uuid, ignore_early_media, originate_timeout, …).
 * `ignore_early_media=true` keeps originate waiting for a real answer instead of a 183.
 */
export function originateCommand(
  r: OriginateRequest,
  app: string,
  extra: Record<string, string> = {},
): string {
  assertEndpoint(r.endpoint);
  const vars: Record<string, string> = {
    origination_uuid: r.callId,
    ignore_early_media: 'true',
    originate_timeout: String(Math.max(1, Math.round(r.timeoutSec))),
    dialer_call_id: r.callId,
    ...extra,
  };
  if (r.callerId) {
    vars['origination_caller_id_number'] = r.callerId.number;
    if (r.callerId.name) vars['origination_caller_id_name'] = r.callerId.name;
  }
  for (const [k, v] of Object.entries(r.variables ?? {})) {
    assertVarName(k);
    vars[k] = v;
  }
  const list = Object.entries(vars).map(([k, v]) => `${k}=${quoteVar(v)}`);
  return `originate {${list.join(',')}}${r.endpoint} ${app}`;
}

/**
 * eavesdrop (mod_dptools) variables. `eavesdrop_whisper_aleg` mixes the supervisor into what the
 * eavesdropped channel *sends*, so its peers hear the supervisor and it does not; with
 * `eavesdrop_whisper_bleg` as well, both sides hear (barge). Measured on FreeSWITCH 1.11.1 with
 * both legs in a conference. Whisper is therefore applied to the target's *peer* (the driver
 * picks that leg in EslDriver.snoop): the agent hears it, the customer does not.
 */
export function snoopVars(mode: SnoopMode): Record<string, string> {
  switch (mode) {
    case 'listen':
      return {};
    case 'whisper':
      return { eavesdrop_whisper_aleg: 'true' };
    case 'barge':
      return { eavesdrop_whisper_aleg: 'true', eavesdrop_whisper_bleg: 'true' };
  }
}

/** `sound:<name>` is PBX-neutral; on FreeSWITCH it is a file relative to sound_prefix. */
export function mediaPath(media: string): string {
  // The path travels unquoted in `uuid_broadcast` and after a `{…}` parameter block.
  if (/[\s{}',]/.test(media)) throw new PbxError('rejected', `media "${media}" is not allowed`);
  if (media.startsWith('sound:')) return `${media.slice('sound:'.length)}.wav`;
  return media;
}

/**
 * wait_for_silence (mod_dptools) arguments: energy threshold 200, 50 quiet 20 ms frames (1 s)
 * after at least one loud frame, give up after 20 s. Quoted, because uuid_broadcast splits its
 * arguments on blanks outside quotes (switch_separate_string).
 */
export const WAIT_FOR_BEEP = `'wait_for_silence::200 50 0 20000'`;

/** api replies that mean the channel is already gone (switch_ivr / mod_commands wording). */
export function isNoSuchChannel(reply: string): boolean {
  return /^-ERR\s+(No such channel|Invalid uuid|no such)/i.test(reply);
}
