import { assertCallId, PbxError, type PbxEvent } from '../../pbx-driver.js';
import type { AmiAction, AmiMessage } from './ami-client.js';

/** What playback needs from the driver. */
export interface AmiPlaybackHost {
  action(action: AmiAction): Promise<AmiMessage>;
  /** The channel name of a live call (or its uniqueid, which AMI actions also accept). */
  channelOf(callId: string): string;
  /** The bridge the call is in, if any: it goes back there after the sound. */
  bridgeOf(callId: string): string | undefined;
  emit(event: PbxEvent): void;
}

/**
 * `play` for Asterisk without ARI. AMI has no action that plays a file to a channel, so the sound
 * is played by dialplan: the driver stores it in the channel variable `DIALER_PLAY_<n>` and
 * redirects the channel to extension `<n>` of [dialer-ami-play] (dialplan/asterisk/
 * extensions_dialer.conf), which runs Playback(), reports `UserEvent DialerPlayed` with
 * `Playback: <n>`, then returns the channel to its ConfBridge or to a silent Wait() — where the
 * driver still hangs it up, bridges it and records it as before (MixMonitor is attached to the
 * channel, not to the dialplan, so the recording runs on across the redirects).
 *
 * `<n>` is a per-driver sequence number: each playback has its own extension and variable, so a
 * late event or a second play right behind the first can never be taken for another playback.
 * A redirect ends whatever the channel was doing, so a new sound replaces the one playing; the
 * replaced one is reported finished at once. `stopPlayback` is the ControlPlayback action
 * (`Control: stop`); Playback() then returns and the dialplan reports it as usual.
 */
export class AmiPlayback {
  /** Per call: the playback in progress (dialplan extension and our id). */
  private readonly playing = new Map<string, { exten: string; playbackId: string }>();
  /** Extensions count from 10: the dialplan's `_X.` matches two digits or more. */
  private seq = 9;

  constructor(
    private readonly host: AmiPlaybackHost,
    private readonly context: string,
  ) {}

  async play(callId: string, media: string, playbackId?: string): Promise<string> {
    const sound = soundName(media);
    const exten = String(++this.seq);
    const id = playbackId ?? `ami-pb-${exten}`;
    assertCallId(id);
    const channel = this.host.channelOf(callId);
    const bridge = this.host.bridgeOf(callId) ?? '';
    await this.host.action({ action: 'Setvar', channel, variable: `DIALER_PLAY_${exten}`, value: sound });
    await this.host.action({ action: 'Setvar', channel, variable: 'DIALER_PLAY_BRIDGE', value: bridge });
    const replaced = this.playing.get(callId);
    this.playing.set(callId, { exten, playbackId: id });
    try {
      await this.host.action({ action: 'Redirect', channel, context: this.context, exten, priority: 1 });
    } catch (err) {
      if (replaced) this.playing.set(callId, replaced);
      else this.playing.delete(callId);
      throw err;
    }
    if (replaced) this.finished(callId, replaced.playbackId);
    return id;
  }

  async stop(callId: string): Promise<void> {
    if (!this.playing.has(callId)) return;
    try {
      await this.host.action({
        action: 'ControlPlayback',
        channel: this.host.channelOf(callId),
        control: 'stop',
      });
    } catch (err) {
      // "not playing back media": the sound ended meanwhile; its UserEvent reports it.
      if (!(err instanceof PbxError && err.code === 'rejected')) throw err;
    }
  }

  /** `UserEvent DialerPlayed` from [dialer-ami-play]. */
  onPlayed(callId: string, exten: string | undefined): void {
    const p = this.playing.get(callId);
    if (!p || p.exten !== exten) return;
    this.playing.delete(callId);
    this.finished(callId, p.playbackId);
  }

  /** The driver redirected the channel elsewhere (bridge, park): its sound ended there. */
  interrupted(callId: string): void {
    const p = this.playing.get(callId);
    if (!p) return;
    this.playing.delete(callId);
    this.finished(callId, p.playbackId);
  }

  forget(callId: string): void {
    this.playing.delete(callId);
  }

  private finished(callId: string, playbackId: string): void {
    this.host.emit({ type: 'playback-finished', callId, playbackId, at: Date.now() });
  }
}

/**
 * `sound:<name>` → the Playback() argument. The name becomes part of a dialplan application
 * argument, so only a plain path alphabet is allowed (no `,`, `&`, `|` or `$`).
 */
export function soundName(media: string): string {
  const m = /^sound:([A-Za-z0-9_/.-]{1,200})$/.exec(media);
  if (!m?.[1] || m[1].includes('..')) {
    throw new PbxError('rejected', `AMI plays only "sound:<name>" media with a plain name, not "${media}"`);
  }
  return m[1];
}
