import { assertCallId, PbxError, type PbxEvent } from '../pbx-driver.js';
import type { EslEvent } from './esl-client.js';
import { isNoSuchChannel, mediaPath } from './esl-commands.js';

/** The header our `{dialer_playback_id=…}` file-string parameter becomes on PLAYBACK_* events. */
const ID_HEADER = 'dialer_playback_id';

/**
 * Playbacks over ESL. `uuid_broadcast <uuid> {dialer_playback_id=<id>}<file> aleg` queues the
 * sound on the channel; FreeSWITCH merges the file string's `{}` parameters into PLAYBACK_START
 * and PLAYBACK_STOP (switch_ivr_play_file: fh->params), so each stop names its playback.
 * `uuid_break <uuid> all` stops the current sound (its PLAYBACK_STOP says `break`) and drops
 * the queued ones, which never start: those are reported finished here.
 */
export class EslPlayback {
  /** Per call: playback id → whether PLAYBACK_START was seen. */
  private readonly calls = new Map<string, Map<string, boolean>>();
  private seq = 0;

  constructor(
    private readonly api: (command: string) => Promise<string>,
    private readonly emit: (e: PbxEvent) => void,
  ) {}

  async play(callId: string, media: string, playbackId?: string): Promise<string> {
    const id = playbackId ?? `esl-pb-${++this.seq}`;
    assertCallId(id);
    const mine = this.calls.get(callId) ?? new Map<string, boolean>();
    this.calls.set(callId, mine);
    // Registered first: the PLAYBACK_* events may come before the api reply.
    mine.set(id, false);
    const reply = await this.api(`uuid_broadcast ${callId} {${ID_HEADER}=${id}}${mediaPath(media)} aleg`);
    if (reply.startsWith('-ERR')) {
      mine.delete(id);
      if (isNoSuchChannel(reply)) throw new PbxError('not-found', `call ${callId} is gone`);
      throw new PbxError('rejected', reply.trim());
    }
    return id;
  }

  async stop(callId: string): Promise<void> {
    const mine = this.calls.get(callId);
    if (!mine || mine.size === 0) return;
    const reply = await this.api(`uuid_break ${callId} all`);
    if (reply.startsWith('-ERR') && !isNoSuchChannel(reply)) throw new PbxError('rejected', reply.trim());
    for (const [id, started] of mine) {
      if (started) continue;
      mine.delete(id);
      this.finished(callId, id);
    }
  }

  /** PLAYBACK_START / PLAYBACK_STOP of a call we track. */
  onEvent(callId: string, e: EslEvent): void {
    const id = e.headers[ID_HEADER];
    const mine = this.calls.get(callId);
    if (!id || !mine?.has(id)) return;
    if (e.name === 'PLAYBACK_START') mine.set(id, true);
    else if (e.name === 'PLAYBACK_STOP') {
      mine.delete(id);
      this.finished(callId, id);
    }
  }

  /**
   * The `playback` application's end. A file FreeSWITCH cannot open sends no PLAYBACK_START or
   * PLAYBACK_STOP, only this, with `Application-Response: FILE NOT FOUND`: the playback is
   * finished here (with the error), or the caller would wait for it forever.
   */
  onExecuteComplete(callId: string, e: EslEvent): void {
    if (e.headers['Application'] !== 'playback') return;
    const id = /\{(?:[^}]*,)?dialer_playback_id=([^,}]+)/.exec(e.headers['Application-Data'] ?? '')?.[1];
    const mine = this.calls.get(callId);
    if (!id || !mine?.has(id)) return;
    mine.delete(id);
    const response = e.headers['Application-Response'] ?? '';
    this.finished(callId, id, /^FILE PLAYED$|^_none_$|^$/.test(response) ? undefined : response);
  }

  forget(callId: string): void {
    this.calls.delete(callId);
  }

  private finished(callId: string, playbackId: string, error?: string): void {
    this.emit({ type: 'playback-finished', callId, playbackId, ...(error ? { error } : {}), at: Date.now() });
  }
}
