import { outcomeFromQ850, Q850 } from '../../../domain/call-outcome.js';
import type { AmdResult, HangupReason, LiveCall, PbxEvent } from '../../pbx-driver.js';
import type { AmiMessage } from './ami-client.js';

/** Q.850 causes the AMI `Hangup` action sends for our reasons. */
export const AMI_HANGUP_CAUSES: Record<HangupReason, number> = {
  normal: Q850.NORMAL_CLEARING,
  busy: Q850.USER_BUSY,
  congestion: Q850.NORMAL_CIRCUIT_CONGESTION,
};

/** `Hangup` event → our hangup; the Cause is the Q.850 code (OriginateResponse Reason is not). */
export function hangupFromAmi(
  callId: string,
  e: AmiMessage,
  answered: boolean,
  requestedCause?: number,
): Extract<PbxEvent, { type: 'hangup' }> {
  const cause = validCause(e['cause']) ?? requestedCause ?? Q850.NORMAL_UNSPECIFIED;
  return {
    type: 'hangup',
    callId,
    outcome: outcomeFromQ850(cause, answered),
    cause,
    causeText: e['cause-txt'] ?? '',
    answered,
    at: Date.now(),
  };
}

/**
 * A Q.850 cause from an AMI header, or undefined for 0/absent. Measured on Asterisk 22: when the
 * far end sends BYE while the channel runs Wait(), `Hangup` reports Cause 0 ("Unknown") and only
 * the preceding `SoftHangupRequest` carries 16, so the driver keeps that one as a fallback.
 */
export function validCause(raw: string | undefined): number | undefined {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 && n < 128 ? n : undefined;
}

/** AMD() AMDSTATUS → our result. */
export function amdFromStatus(status: string | undefined): AmdResult {
  switch ((status ?? '').toUpperCase()) {
    case 'HUMAN':
      return 'human';
    case 'MACHINE':
      return 'machine';
    case 'HANGUP':
      return 'hangup';
    default:
      return 'notsure';
  }
}

/** CoreShowChannel rows → live calls; `bridgeOf` adds the bridge we put each call in. */
export function liveCalls(rows: AmiMessage[], bridgeOf: (callId: string) => string | undefined): LiveCall[] {
  return rows.flatMap((r) => {
    const callId = r['uniqueid'];
    if (!callId) return [];
    const bridgeId = bridgeOf(callId);
    return [{ callId, state: stateFromDesc(r['channelstatedesc']), ...(bridgeId ? { bridgeId } : {}) }];
  });
}

/** CoreShowChannel's ChannelStateDesc → our state. */
function stateFromDesc(desc: string | undefined): LiveCall['state'] {
  switch (desc) {
    case 'Up':
      return 'up';
    case 'Ring':
    case 'Ringing':
      return 'ringing';
    case 'Down':
      return 'down';
    default:
      return 'other';
  }
}
