import { PbxError, type OriginateRequest } from './pbx-driver.js';

/**
 * Values from campaigns, lists and API calls end up inside PBX protocol text: ESL commands and
 * AMI actions are line-based (a CR or LF ends the command and starts another), and caller ID is
 * written into SIP headers. So every value that reaches a driver is checked here, once, the
 * same way for ARI, AMI, ESL and the fake: control characters (C0, DEL, NEL and the Unicode
 * line/paragraph separators) are refused everywhere, and caller ID keeps to what a `From`
 * header can carry.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;
/** What `"name" <number>` and ESL's `{var=value}` can carry without a parser seeing a delimiter. */
const NAME_FORBIDDEN = /["<>\\]/;
const CALLER_NUMBER = /^\+?[0-9A-Za-z*#._-]{1,40}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_VALUE = 1024;

function refuse(what: string, why: string): never {
  throw new PbxError('rejected', `${what} ${why}; nothing was sent to the PBX`);
}

/** One value that travels inside a PBX command (variable value, endpoint, media, name). */
export function assertProtocolText(what: string, value: string, max = MAX_VALUE): void {
  const bad = CONTROL.exec(value);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(4, '0');
    refuse(what, `holds a control character (U+${code.toUpperCase()}) at position ${bad.index + 1}`);
  }
  if (value.length > max) refuse(what, `is ${value.length} characters long; at most ${max} are allowed`);
}

/** Caller ID as a PBX shows it to the called party. */
export function assertCallerId(callerId: { name?: string; number: string }): void {
  if (!CALLER_NUMBER.test(callerId.number)) {
    refuse(`caller-ID number ${JSON.stringify(callerId.number)}`, 'must be digits (with an optional +)');
  }
  if (callerId.name === undefined) return;
  assertProtocolText('caller-ID name', callerId.name, 64);
  if (NAME_FORBIDDEN.test(callerId.name)) refuse('caller-ID name', 'may not hold ", <, > or \\');
}

/** Everything of an originate request that reaches the PBX as text (call id: `assertCallId`). */
export function assertOriginateValues(r: OriginateRequest): void {
  assertProtocolText('endpoint', r.endpoint, 256);
  if (r.callerId) assertCallerId(r.callerId);
  for (const [name, value] of Object.entries(r.variables ?? {})) {
    if (!VARIABLE_NAME.test(name)) refuse(`channel variable name ${JSON.stringify(name)}`, 'is not allowed');
    assertProtocolText(`channel variable ${name}`, value);
  }
}
