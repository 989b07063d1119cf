import { Q850 } from '../../../domain/call-outcome.js';
import type { AmdResult, LiveCall, PbxEvent } from '../../pbx-driver.js';

/** The fields of ARI events the driver reads (see Asterisk's rest-api/events.json). */
export interface AriChannel {
  id: string;
  name: string;
  state: string;
}

export interface AriEvent {
  type: string;
  application?: string;
  timestamp?: string;
  channel?: AriChannel;
  args?: string[];
  cause?: number;
  cause_txt?: string;
  tech_cause?: number;
  digit?: string;
  recording?: { name: string; state: string; duration?: number; cause?: string };
  playback?: { id: string; target_uri?: string; state?: string };
  bridge?: { id: string };
}

/** Our own recognisable ids for helper channels. */
export const SNOOP_PREFIX = 'snoop-';

/**
 * Asterisk reports cause 0 (not defined) when the far end of an answered PJSIP call sends a
 * plain BYE (measured on 22.10.1); a BYE without a Reason header is normal clearing.
 */
export function normaliseCause(cause: number | undefined, answered: boolean): number {
  if (cause === undefined || cause === 0) return answered ? Q850.NORMAL_CLEARING : Q850.NORMAL_UNSPECIFIED;
  return cause;
}

/** AMDSTATUS (MACHINE, HUMAN, NOTSURE, HANGUP) as our result. */
export function amdResult(status: string | undefined): AmdResult {
  const s = (status ?? 'NOTSURE').toLowerCase();
  return s === 'human' || s === 'machine' || s === 'hangup' ? s : 'notsure';
}

/** ARI channel state (Down, Rsrvd, OffHook, Dialing, Ring, Ringing, Up, Busy…) as ours. */
export function liveState(state: string): LiveCall['state'] {
  if (state === 'Up') return 'up';
  if (state === 'Ringing' || state === 'Ring') return 'ringing';
  if (state === 'Down') return 'down';
  return 'other';
}

/** Recording{Started,Finished,Failed} as our event; undefined for anything else. */
export function recordingEvent(e: AriEvent, at: number): PbxEvent | undefined {
  const r = e.recording;
  if (!r) return undefined;
  if (e.type === 'RecordingStarted') return { type: 'recording-started', name: r.name, at };
  if (e.type === 'RecordingFinished')
    return { type: 'recording-finished', name: r.name, durationSec: r.duration, at };
  if (e.type === 'RecordingFailed')
    return { type: 'recording-failed', name: r.name, detail: r.cause ?? 'failed', at };
  return undefined;
}
