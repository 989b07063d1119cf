/** How answering-machine detection runs on FreeSWITCH. */
export type EslAmdEngine =
  /** mod_amd (out-of-tree port of Asterisk's AMD): app `amd`, result in `amd_result`/`amd_cause`. */
  | 'mod_amd'
  /** mod_avmd (in tree): beep detection only; a beep means machine, none within the window notsure. */
  | 'avmd';

/** Settings of one FreeSWITCH node. The password is never logged. */
export interface EslDriverOptions {
  host: string;
  port: number;
  password: string;
  /** Absolute directory FreeSWITCH writes recordings to (its `$${recordings_dir}`). */
  recordingDir: string;
  /** The same directory as the dialer sees it (shared volume); defaults to `recordingDir`. */
  localRecordingDir?: string;
  /**
   * Conference profile used for bridges: `dialer` (dialplan/freeswitch/conference/dialer-profile.xml:
   * no prompts, tones, hold music or DTMF controls). FreeSWITCH's own `default` plays all of those.
   */
  conferenceProfile?: string;
  amdEngine?: EslAmdEngine;
  /** mod_amd: no verdict this long after answer is reported as `notsure` (default 10 s). */
  amdVerdictTimeoutMs?: number;
  /** avmd only: no beep this long after answer is reported as `notsure` (default 8 s). */
  avmdWindowMs?: number;
  /** Extra event-socket connections for `api` commands only (default 4; see EslClient). */
  apiLanes?: number;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  maxBackoffMs?: number;
}

/** mod_event_socket `event` list; CUSTOM is followed by the subclasses we read. */
export const ESL_EVENTS = [
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_EXECUTE_COMPLETE',
  'BACKGROUND_JOB',
  'DTMF',
  'RECORD_START',
  'RECORD_STOP',
  'PLAYBACK_START',
  'PLAYBACK_STOP',
  'CUSTOM',
  'amd::info',
  'avmd::beep',
  'conference::maintenance',
];
