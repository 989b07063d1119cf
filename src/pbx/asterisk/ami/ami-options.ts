import type { SnoopMode } from '../../pbx-driver.js';

/** Settings of one Asterisk node reached over AMI. The secret is never logged. */
export interface AmiDriverOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Asterisk's monitor spool as the dialer sees it (MixMonitor writes relative files there). */
  monitorSpool: string;
  parkContext?: string;
  /** Park context that waits for a machine's beep after AMD (`amdWaitForBeep`). */
  parkBeepContext?: string;
  bridgeContext?: string;
  /** Context that plays DIALER_PLAY_<n> at extension <n> and returns (see AmiPlayback). */
  playContext?: string;
  connectTimeoutMs?: number;
  actionTimeoutMs?: number;
  maxBackoffMs?: number;
}

export interface CallState {
  answered: boolean;
  ringing: boolean;
  amd: boolean;
  /** Asterisk channel name (PJSIP/…-0000001), learnt from events; actions accept the uniqueid too. */
  channel?: string;
  bridgeId?: string;
  /** Cause of the last HangupRequest/SoftHangupRequest (see validCause). */
  requestedCause?: number;
  /** hangup() came before the channel existed (async originate): hang it up when it appears. */
  hangupPending?: number;
}

/** ChanSpy options: q quiet, E exit when the spied channel hangs up, w whisper, B barge. */
export const SPY_OPTIONS: Record<SnoopMode, string> = { listen: 'qE', whisper: 'qEw', barge: 'qEB' };
