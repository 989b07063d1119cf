import { LAB_KEY_PRESS_MS } from '../../src/lab/number-plan.js';
import { labSoundMs } from '../../src/lab/sounds.js';
import { channelHeaders, type SimChannel } from './esl-sim-channel.js';

type Publish = (headers: Record<string, string>) => void;

/** A sound waiting or playing on a channel: `{k=v,…}path` split as switch_core_file_open() does. */
interface SimSound {
  path: string;
  params: Record<string, string>;
  timer?: NodeJS.Timeout;
}

/**
 * What FreeSWITCH does with media on a channel, as the ESL driver sees it through events:
 * - `uuid_broadcast <uuid> <file>` queues a playback (the session's private event queue runs one
 *   app after another); each emits PLAYBACK_START and PLAYBACK_STOP (switch_ivr_play_file) with
 *   `Playback-File-Path`, `Playback-Status` (done/break) and the `{}` parameters of the file
 *   string merged in as headers (fh->params);
 * - `uuid_break <uuid> [all]` stops the current one (`Playback-Status: break`); `all` also drops
 *   the queued ones, which never start and so send nothing;
 * - key presses of the lab's `8DD` customers as DTMF events (switch_channel_dequeue_dtmf):
 *   `DTMF-Digit`, `DTMF-Duration` in 8 kHz samples (SIP INFO Duration=160 ms → 1280) and
 *   `DTMF-Source: ENDPOINT` (signalled by the endpoint, not RTP or in-band).
 */
export class SimMedia {
  private readonly sounds = new Map<string, SimSound[]>();

  constructor(
    private readonly publish: Publish,
    private readonly coreUuid: string,
    private readonly timeScale: number,
  ) {}

  /** After answer: the customer's keys, LAB_KEY_PRESS_MS apart. */
  pressKeys(ch: SimChannel): void {
    [...ch.keys].forEach((digit, i) =>
      this.later(ch, LAB_KEY_PRESS_MS * (i + 1), () => this.dtmf(ch, digit)),
    );
  }

  dtmf(ch: SimChannel, digit: string): void {
    this.publish({
      ...channelHeaders(ch, this.coreUuid),
      'Event-Name': 'DTMF',
      'DTMF-Digit': digit,
      'DTMF-Duration': '1280',
      'DTMF-Source': 'ENDPOINT',
    });
  }

  enqueue(ch: SimChannel, fileString: string): void {
    const queue = this.sounds.get(ch.uuid) ?? [];
    this.sounds.set(ch.uuid, queue);
    queue.push(parseFileString(fileString));
    if (queue.length === 1) this.start(ch, queue);
  }

  /** uuid_break: stops the current sound; with `all`, forgets the queued ones too. */
  break(ch: SimChannel, all: boolean): void {
    const queue = this.sounds.get(ch.uuid);
    const current = queue?.[0];
    if (!queue || !current) return;
    clearTimeout(current.timer);
    if (current.timer) ch.timers.delete(current.timer);
    queue.shift();
    this.stopEvent(ch, current, 'break');
    if (all) queue.length = 0;
    else if (queue.length > 0) this.start(ch, queue);
  }

  /** The channel is gone: its sounds end without events. */
  drop(uuid: string): void {
    this.sounds.delete(uuid);
  }

  private start(ch: SimChannel, queue: SimSound[]): void {
    const sound = queue[0];
    if (!sound) return;
    this.publish({
      ...channelHeaders(ch, this.coreUuid),
      'Event-Name': 'PLAYBACK_START',
      'Playback-File-Path': sound.path,
      ...sound.params,
    });
    sound.timer = this.later(ch, soundMsOf(sound.path), () => {
      queue.shift();
      this.stopEvent(ch, sound, 'done');
      this.start(ch, queue);
    });
  }

  private stopEvent(ch: SimChannel, sound: SimSound, status: 'done' | 'break'): void {
    this.publish({
      ...channelHeaders(ch, this.coreUuid),
      'Event-Name': 'PLAYBACK_STOP',
      'Playback-File-Path': sound.path,
      'Playback-Status': status,
      ...sound.params,
    });
  }

  private later(ch: SimChannel, ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      ch.timers.delete(t);
      fn();
    }, ms * this.timeScale);
    ch.timers.add(t);
    return t;
  }
}

/** A file the driver sends (`<name>.wav` under sound_prefix) plays as long as the lab's sound. */
function soundMsOf(path: string): number {
  return labSoundMs(`sound:${path.replace(/\.wav$/, '')}`);
}

/** `{a=1,b=2}file.wav` → path and parameters (no nesting or quoting: the driver sends none). */
export function parseFileString(s: string): { path: string; params: Record<string, string> } {
  const m = /^\{([^}]*)\}(.*)$/.exec(s);
  if (!m) return { path: s, params: {} };
  const params: Record<string, string> = {};
  for (const part of (m[1] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return { path: m[2] ?? '', params };
}
