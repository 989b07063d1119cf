import { assertCallId, type PbxEvent } from '../pbx-driver.js';
import type { FakeClock } from './fake-clock.js';

interface Playing {
  playbackId: string;
  timer: unknown;
}

/**
 * Sounds played by the fake PBX: each lasts `soundMs(media)` of clock time, then reports
 * `playback-finished`. A new sound replaces the one playing (as on AMI), and the replaced one
 * is reported finished at once, so every playback gets exactly one finish.
 */
export class FakePlayback {
  private readonly playing = new Map<string, Playing>();
  private seq = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly emit: (e: PbxEvent) => void,
    private readonly soundMs: (media: string) => number,
  ) {}

  play(callId: string, media: string, playbackId?: string): string {
    const id = playbackId ?? `fake-pb-${++this.seq}`;
    assertCallId(id);
    this.stop(callId);
    const timer = this.clock.setTimeout(() => {
      if (this.playing.get(callId)?.playbackId !== id) return;
      this.playing.delete(callId);
      this.finished(callId, id);
    }, this.soundMs(media));
    this.playing.set(callId, { playbackId: id, timer });
    return id;
  }

  /** Stops the call's sound, reporting it finished; nothing when none plays. */
  stop(callId: string): void {
    const p = this.playing.get(callId);
    if (!p) return;
    this.playing.delete(callId);
    this.clock.clearTimeout(p.timer);
    this.finished(callId, p.playbackId);
  }

  /** The call hung up: its sound ends silently (a hangup is the last event of a call). */
  drop(callId: string): void {
    const p = this.playing.get(callId);
    if (p) this.clock.clearTimeout(p.timer);
    this.playing.delete(callId);
  }

  reset(): void {
    for (const p of this.playing.values()) this.clock.clearTimeout(p.timer);
    this.playing.clear();
  }

  private finished(callId: string, playbackId: string): void {
    this.emit({ type: 'playback-finished', callId, playbackId, at: this.clock.now() });
  }
}
