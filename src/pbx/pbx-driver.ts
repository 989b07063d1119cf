import type { CallOutcome } from '../domain/call-outcome.js';

/**
 * The one interface the engine uses to drive a PBX. Adapters: Asterisk over ARI, Asterisk over
 * AMI, FreeSWITCH over ESL, and an in-memory fake. Every adapter passes the same contract suite
 * (test/contract/pbx-contract.ts); operations an adapter cannot do are absent from
 * `capabilities` and throw `PbxError` with code `unsupported`.
 *
 * Identifiers are ours, not the PBX's: a call id is chosen by the caller of `originate` and is
 * deterministic per dial attempt, so a retried originate is refused (`duplicate`) instead of
 * dialling the same attempt twice.
 */
export interface PbxDriver {
  /** Short name for logs and metrics: `ari`, `ami`, `esl`, `fake`. */
  readonly kind: string;
  readonly capabilities: ReadonlySet<PbxCapability>;

  /** Connects and subscribes to events. Resolves once the PBX answered; rejects with PbxError. */
  connect(): Promise<void>;
  /** Idempotent; stops reconnecting, removes listeners and closes sockets. Live calls are left up. */
  close(): Promise<void>;

  /** Listens to every event of this driver. Returns the function that stops listening. */
  /** Sizes of the per-call state and listeners the driver holds (soak and leak checks). */
  retained?(): Record<string, number>;
  onEvent(listener: (event: PbxEvent) => void): () => void;

  /**
   * Starts a call. Resolves when the PBX accepted the request (not when answered): progress
   * arrives as events carrying `request.callId`. Rejects with `duplicate` when a call with this
   * id is or was live on this PBX since the driver connected.
   */
  originate(request: OriginateRequest): Promise<void>;
  /** Hangs up a live call; resolves quietly when it is already gone. */
  hangup(callId: string, reason?: HangupReason): Promise<void>;

  createBridge(bridgeId: string): Promise<void>;
  addToBridge(bridgeId: string, callId: string): Promise<void>;
  removeFromBridge(bridgeId: string, callId: string): Promise<void>;
  /** Destroys the bridge; calls still in it stay up. Quiet when it is already gone. */
  destroyBridge(bridgeId: string): Promise<void>;

  /**
   * Plays a sound (PBX sound name, e.g. `sound:hello-world`) to one call; resolves with the
   * playback id (`options.playbackId`, or one the adapter made up) once the PBX took the request.
   * Exactly one `playback-finished` event with that id follows, whether the sound ran out, was
   * stopped or was replaced (it may be missing when the call hangs up meanwhile). A call in a
   * bridge hears it alone and stays in (on AMI: returns to) its bridge. Keys pressed meanwhile
   * arrive as `dtmf` events. A sound started while another still plays is queued behind it on
   * ARI and FreeSWITCH and replaces it on AMI: call `stopPlayback` first when that matters.
   */
  play(callId: string, media: string, options?: PlayOptions): Promise<string>;
  /** Stops what is playing (and queued) on the call; quiet when nothing plays or the call is gone. */
  stopPlayback(callId: string): Promise<void>;

  /**
   * Records a bridge (everyone in it, mixed) or one call, from now until stopped or the target
   * ends. A call target records BOTH directions of that call — what the party says and what it
   * hears (agent, prompts, messages) — so a customer's recording follows them from answer to
   * hang-up across bridges (on Asterisk: a snoop channel with spy=both, recorded).
   * `name` is unique per recording and becomes part of the stored file name.
   */
  startRecording(request: RecordingRequest): Promise<void>;
  stopRecording(name: string): Promise<void>;
  /** Copies a finished recording to `destination` on the dialer's disk and returns its size. */
  fetchRecording(name: string, destination: string): Promise<{ bytes: number }>;
  /** Deletes the PBX's copy (spool) of a finished recording. */
  deleteRecording(name: string): Promise<void>;

  /**
   * Connects a supervisor's new call (`request`) to a live call in the given mode:
   * listen (hears both), whisper (talks to the agent only), barge (talks to both).
   */
  snoop(targetCallId: string, mode: SnoopMode, request: OriginateRequest): Promise<void>;

  /** Live calls this driver knows of on the PBX (used to reconcile after a reconnect). */
  listCalls(): Promise<LiveCall[]>;
  health(): Promise<PbxHealth>;
}

export type PbxCapability = 'originate' | 'bridge' | 'record' | 'play' | 'snoop' | 'amd' | 'dtmf';

export interface OriginateRequest {
  /** Our id for the call (deterministic per attempt): `[A-Za-z0-9._-]`, at most 64 chars. */
  callId: string;
  /** What to dial, in the PBX's syntax: `PJSIP/+15551234567@trunk`, `sofia/gateway/gw/+1555…`. */
  endpoint: string;
  callerId?: { name?: string; number: string };
  /** Seconds to ring before giving up (no-answer). */
  timeoutSec: number;
  /** Channel variables, carried to the PBX (visible in its CDRs). */
  variables?: Readonly<Record<string, string>>;
  /** Run answering-machine detection after answer; the result arrives as an `amd` event. */
  amd?: boolean;
  /**
   * With `amd`: for a machine, hold the `amd` verdict until its greeting and beep are over (the
   * line went quiet), so a message played then is what the machine records. Humans are reported
   * as soon as AMD decides, as without this flag.
   */
  amdWaitForBeep?: boolean;
}

export interface PlayOptions {
  /** Our id for this playback (`[A-Za-z0-9._-]`, ≤ 64), echoed by `playback-finished`. */
  playbackId?: string;
}

export type HangupReason = 'normal' | 'busy' | 'congestion';
export type SnoopMode = 'listen' | 'whisper' | 'barge';

export interface RecordingRequest {
  name: string;
  target: { bridgeId: string } | { callId: string };
  /** File format the PBX writes; `wav` is supported by every adapter. */
  format?: 'wav';
  /** Stop after this many seconds; 0 = until the target ends. */
  maxDurationSec?: number;
}

export type AmdResult = 'human' | 'machine' | 'notsure' | 'hangup';

interface EventBase {
  /** Milliseconds since the epoch at which the driver received the event. */
  at: number;
}

export type PbxEvent =
  | (EventBase & { type: 'ringing'; callId: string })
  | (EventBase & { type: 'answered'; callId: string })
  | (EventBase & { type: 'amd'; callId: string; result: AmdResult; detail: string })
  /** A key the far end pressed (RFC 2833, SIP INFO or in-band, as the PBX decoded it). */
  | (EventBase & { type: 'dtmf'; callId: string; digit: string })
  | (EventBase & {
      type: 'playback-finished';
      callId: string;
      playbackId: string;
      /** Set when the sound did not play (e.g. the PBX could not find the file). */
      error?: string;
    })
  | (EventBase & {
      type: 'hangup';
      callId: string;
      outcome: CallOutcome;
      /** Q.850 cause as reported by the PBX. */
      cause: number;
      causeText: string;
      /** SIP status of the far end's final response, when the PBX reports it. */
      sipStatus?: number;
      answered: boolean;
    })
  | (EventBase & { type: 'recording-started'; name: string })
  | (EventBase & { type: 'recording-finished'; name: string; durationSec?: number })
  | (EventBase & { type: 'recording-failed'; name: string; detail: string })
  | (EventBase & { type: 'connection'; state: 'up' | 'down'; detail?: string })
  /**
   * After a reconnect, calls we had that are no longer on the PBX. Their hangup events were
   * missed; the engine must finish them as lost.
   */
  | (EventBase & { type: 'calls-lost'; callIds: string[] });

export interface LiveCall {
  callId: string;
  state: 'ringing' | 'up' | 'down' | 'other';
  bridgeId?: string;
}

export interface PbxHealth {
  ok: boolean;
  /** Round-trip of a cheap request, in milliseconds. */
  latencyMs?: number;
  detail: string;
}

export type PbxErrorCode =
  'not-connected' | 'duplicate' | 'not-found' | 'unsupported' | 'rejected' | 'timeout' | 'protocol';

/** Every adapter failure surfaces as this, with the underlying error as `cause`. */
export class PbxError extends Error {
  override readonly name = 'PbxError';
  constructor(
    readonly code: PbxErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Call ids travel through PBX channel names and URLs; keep them to a safe alphabet. Asterisk 22
 * finds a channel by a *prefix* of its unique id (channelstorage `by_uniqueid_cb` compares with
 * strncasecmp), so it refuses a new id that is a prefix of a live one (409) and may act on a
 * longer id when a shorter one is gone: ids live at the same time must not be prefixes of each
 * other. The engine's ids are not: `c<campaign>-l<lead>-a<attempt>` (attempt 1 is a prefix only
 * of attempts 10–19 of the same lead, never live together) and `agent-<id>-<stamp>`.
 */
export function assertCallId(callId: string): void {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(callId)) {
    throw new PbxError('rejected', `call id "${callId}" must match [A-Za-z0-9._-]{1,64}`);
  }
}
