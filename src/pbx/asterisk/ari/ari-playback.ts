import { assertCallId, PbxError, type PbxEvent } from '../../pbx-driver.js';
import type { AriEvent } from './events.js';
import type { AriRest } from './rest.js';

/**
 * Channel playbacks over ARI: `POST /channels/{id}/play/{playbackId}` with our own id, so the
 * `PlaybackFinished` event (target `channel:<id>`) names the playback we asked for. ARI queues a
 * second sound behind the first. Stopping deletes every playback of the call and reports each
 * finished at once; a `PlaybackFinished` arriving after that is not reported again.
 */
export class AriPlayback {
  private readonly calls = new Map<string, Set<string>>();
  private seq = 0;

  constructor(
    private readonly rest: AriRest,
    private readonly emit: (e: PbxEvent) => void,
  ) {}

  /** Calls with playback state held. */
  retained(): number {
    return this.calls.size;
  }

  async play(callId: string, media: string, playbackId?: string): Promise<string> {
    assertCallId(callId);
    const id = playbackId ?? `ari-pb-${Date.now().toString(36)}-${++this.seq}`;
    assertCallId(id);
    const mine = this.calls.get(callId) ?? new Set<string>();
    this.calls.set(callId, mine);
    mine.add(id);
    try {
      await this.rest.call(
        'POST',
        `/channels/${encodeURIComponent(callId)}/play/${encodeURIComponent(id)}`,
        { media },
        undefined,
        // 409 "Channel not in Stasis application": it is hanging up and has left us.
        { 404: 'not-found', 409: 'not-found' },
      );
    } catch (err) {
      mine.delete(id);
      throw err;
    }
    return id;
  }

  async stop(callId: string): Promise<void> {
    const mine = this.calls.get(callId);
    if (!mine) return;
    for (const id of [...mine]) {
      try {
        await this.rest.call('DELETE', `/playbacks/${encodeURIComponent(id)}`);
      } catch (err) {
        // Already over (404): its PlaybackFinished may be on the way; report it now instead.
        if (!(err instanceof PbxError && err.code === 'not-found')) throw err;
      }
      if (mine.delete(id)) this.finished(callId, id);
    }
  }

  /** PlaybackFinished for one of our channels. */
  onEvent(e: AriEvent, at: number): void {
    if (e.type !== 'PlaybackFinished' || !e.playback) return;
    const target = e.playback.target_uri ?? '';
    if (!target.startsWith('channel:')) return;
    const callId = target.slice('channel:'.length);
    if (this.calls.get(callId)?.delete(e.playback.id)) this.finished(callId, e.playback.id, at);
  }

  forget(callId: string): void {
    this.calls.delete(callId);
  }

  private finished(callId: string, playbackId: string, at = Date.now()): void {
    this.emit({ type: 'playback-finished', callId, playbackId, at });
  }
}
