/** How answering-machine detection runs on FreeSWITCH. */
export type EslAmdEngine =
  /** mod_amd (out-of-tree port of Asterisk's AMD): app `amd`, result in `amd_result`/`amd_cause`. */
  | 'mod_amd'
  /** mod_avmd (in-tree): beep detection only; a beep means machine, none within the window human. */
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
  /** Conference profile used for bridges (conference.conf.xml); `default` ships with FreeSWITCH. */
  conferenceProfile?: string;
  amdEngine?: EslAmdEngine;
  /** avmd only: how long to wait for a beep before calling the party human. */
  avmdWindowMs?: number;
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
  'avmd::beep',
  'conference::maintenance',
];
