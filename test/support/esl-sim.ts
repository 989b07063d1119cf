import { randomUUID } from 'node:crypto';
import { Q850 } from '../../src/domain/call-outcome.js';
import {
  behaviourOf,
  causeForSip,
  causeName,
  channelHeaders,
  parseOriginate,
  type SimChannel,
} from './esl-sim-channel.js';
import { SimMedia } from './esl-sim-media.js';
import { writeToneWav } from './esl-wav.js';

/** Publishes one event to subscribed connections. */
export type Publish = (headers: Record<string, string>, body?: string) => void;

/** The lab machine's greeting and beep are over (and 1 s quiet) this long after answer. */
const MACHINE_QUIET_MS = 6_300;

/**
 * A FreeSWITCH stand-in: channels originated through gateways follow the lab number plan
 * (src/lab/number-plan.ts), other dial strings answer at once like an agent phone.
 * Conferences, uuid_record (writing a real WAV), uuid_broadcast (playback with PLAYBACK_START /
 * PLAYBACK_STOP, mod_amd, wait_for_silence), uuid_break, mod_avmd results, the customers' keys.
 */
export class FsSim {
  readonly coreUuid = randomUUID();
  readonly channels = new Map<string, SimChannel>();
  private readonly rooms = new Map<string, { members: Set<string>; records: Map<string, number> }>();
  private readonly startedAt = Date.now();
  private readonly media: SimMedia;

  constructor(
    private readonly publish: Publish,
    private readonly timeScale = 1,
  ) {
    this.media = new SimMedia(publish, this.coreUuid, timeScale);
  }

  /** `bgapi originate …`: answers through a BACKGROUND_JOB event, like mod_commands. */
  originate(args: string, jobId: string): void {
    const { vars, dial, app } = parseOriginate(args);
    const uuid = vars['origination_uuid'] ?? randomUUID();
    if (this.channels.has(uuid)) {
      this.job(jobId, 'originate', args, '-ERR DESTINATION_OUT_OF_ORDER\n');
      return;
    }
    const { behaviour, talkSec, keys } = behaviourOf(dial);
    const ch: SimChannel = {
      uuid,
      dialString: dial,
      vars,
      callState: 'DOWN',
      createdAt: Date.now(),
      jobId,
      app,
      timers: new Set(),
      behaviour,
      talkSec,
      keys,
    };
    this.channels.set(uuid, ch);
    const timeoutMs = Number(vars['originate_timeout'] ?? 60) * 1000;
    switch (behaviour.kind) {
      case 'agent':
        return this.after(ch, 50, () => this.answer(ch, args));
      case 'human':
      case 'machine':
        this.after(ch, 20, () => this.progress(ch));
        return this.after(ch, Math.max(40, behaviour.ringMs), () => this.answer(ch, args));
      case 'no-answer':
        this.after(ch, 20, () => this.progress(ch));
        return this.after(ch, timeoutMs, () => this.fail(ch, args, Q850.NO_ANSWER, 487));
      default:
        return this.after(ch, 30, () =>
          this.fail(ch, args, causeForSip(behaviour.sipStatus), behaviour.sipStatus),
        );
    }
  }

  /** Ends a channel; `cause` is a Q.850 name. Returns false when there is no such channel. */
  kill(uuid: string, causeText = 'NORMAL_CLEARING'): boolean {
    const ch = this.channels.get(uuid);
    if (!ch) return false;
    const cause = Object.entries(Q850).find(([n]) => n === causeText)?.[1] ?? Q850.NORMAL_CLEARING;
    if (!ch.answeredAt) this.job(ch.jobId, 'originate', '', '-ERR ORIGINATOR_CANCEL\n');
    this.hangup(ch, cause);
    return true;
  }

  transfer(uuid: string, target: string): boolean {
    const ch = this.channels.get(uuid);
    if (!ch) return false;
    this.leaveRoom(ch);
    const m = /^conference:([^@\s]+)(@\S+)?$/.exec(target);
    if (m?.[1]) {
      const name = m[1];
      const room = this.rooms.get(name) ?? { members: new Set<string>(), records: new Map() };
      this.rooms.set(name, room);
      room.members.add(uuid);
      ch.room = name;
      this.conferenceEvent(name, 'add-member', uuid);
    }
    return true;
  }

  conferenceRecord(name: string, path: string, start: boolean): string {
    const room = this.rooms.get(name);
    if (!room) return `Conference ${name} not found\n`;
    if (start) {
      room.records.set(path, Date.now());
      this.conferenceEvent(name, 'start-recording', undefined, path);
      return `Record file ${path}\n`;
    }
    if (!this.finishRoomRecording(name, path)) return `-ERR not recording ${path}\n`;
    return `Stopped recording file ${path}\n`;
  }

  record(uuid: string, action: string, path: string, limitSec: number): string {
    const ch = this.channels.get(uuid);
    if (!ch) return '-ERR Cannot locate session!\n';
    if (action === 'start') {
      ch.record = { path, startedAt: Date.now(), stereo: ch.vars['RECORD_STEREO'] === 'true' };
      this.publish({
        ...channelHeaders(ch, this.coreUuid),
        'Event-Name': 'RECORD_START',
        'Record-File-Path': path,
      });
      if (limitSec > 0) this.after(ch, limitSec * 1000, () => this.stopRecord(ch));
      return '+Success\n';
    }
    if (action === 'stop' && ch.record?.path === path) this.stopRecord(ch);
    return '+Success\n';
  }

  /** uuid_broadcast: `amd::` runs mod_amd, `wait_for_silence::` waits for quiet, files play. */
  broadcast(uuid: string, what: string): string {
    const ch = this.channels.get(uuid);
    if (!ch) return '-ERR No such channel!\n';
    if (what.startsWith('wait_for_silence::')) {
      this.waitForSilence(ch, what.slice('wait_for_silence::'.length));
    } else if (!what.startsWith('amd::')) {
      this.media.enqueue(ch, what);
    } else {
      const machine = ch.behaviour.kind === 'machine';
      this.after(ch, 300, () => {
        ch.vars['amd_result'] = machine ? 'MACHINE' : 'HUMAN';
        ch.vars['amd_cause'] = machine ? 'LONGGREETING-1500-1500' : 'HUMAN-800-800';
        // mod_amd's app returns at once; its verdict is a CUSTOM event with the channel's data.
        this.publish({
          ...channelHeaders(ch, this.coreUuid),
          'Event-Name': 'CUSTOM',
          'Event-Subclass': 'amd::info',
        });
      });
    }
    return '+OK Message queued\n';
  }

  /** `avmd <uuid> start`: mod_avmd fires avmd::beep only when it hears a voicemail beep. */
  avmd(uuid: string): string {
    const ch = this.channels.get(uuid);
    if (!ch) return '-ERR No such channel!\n';
    if (ch.behaviour.kind === 'machine') {
      this.after(ch, 500, () =>
        this.publish({
          ...channelHeaders(ch, this.coreUuid),
          'Event-Name': 'CUSTOM',
          'Event-Subclass': 'avmd::beep',
          Beep: 'DETECTED',
        }),
      );
    }
    return '+OK\n';
  }

  /** uuid_break <uuid> [all]: stops the current playback (and the queued ones with `all`). */
  breakMedia(uuid: string, all: boolean): string {
    const ch = this.channels.get(uuid);
    if (!ch) return '-ERR No such channel!\n';
    this.media.break(ch, all);
    return '+OK\n';
  }

  /** Test hook: the far end sends a DTMF digit. */
  dtmf(uuid: string, digit: string): void {
    const ch = this.channels.get(uuid);
    if (ch) this.media.dtmf(ch, digit);
  }

  /** `show channels as json` (empty result has no `rows`, as in FreeSWITCH). */
  showChannels(): string {
    const rows = [...this.channels.values()].map((c) => ({
      uuid: c.uuid,
      direction: 'outbound',
      created_epoch: String(Math.floor(c.createdAt / 1000)),
      name: c.dialString,
      state: 'CS_EXECUTE',
      dest: c.dialString.split('/').pop() ?? '',
      callstate: c.callState,
    }));
    return JSON.stringify(rows.length ? { row_count: rows.length, rows } : { row_count: 0 });
  }

  status(): string {
    const s = Math.floor((Date.now() - this.startedAt) / 1000);
    return (
      `UP 0 years, 0 days, 0 hours, 0 minutes, ${s} seconds, 0 milliseconds, 0 microseconds\n` +
      `FreeSWITCH (Version 1.10.12-release 64bit) is ready\n` +
      `${this.channels.size} session(s) since startup\n`
    );
  }

  setVar(uuid: string, name: string, value: string): boolean {
    const ch = this.channels.get(uuid);
    if (ch) ch.vars[name] = value;
    return Boolean(ch);
  }

  /** Stops every timer; channels vanish without events (the PBX "crashed"). */
  shutdown(): void {
    for (const ch of this.channels.values()) for (const t of ch.timers) clearTimeout(t);
    this.channels.clear();
    this.rooms.clear();
  }

  private progress(ch: SimChannel): void {
    ch.callState = 'RINGING';
    this.publish({ ...channelHeaders(ch, this.coreUuid), 'Event-Name': 'CHANNEL_PROGRESS' });
  }

  private answer(ch: SimChannel, args: string): void {
    ch.callState = 'ACTIVE';
    ch.answeredAt = Date.now();
    this.publish({ ...channelHeaders(ch, this.coreUuid), 'Event-Name': 'CHANNEL_ANSWER' });
    this.job(ch.jobId, 'originate', args, `+OK ${ch.uuid}\n`);
    // As the lab carrier: the keys first, then TT seconds of talk.
    this.media.pressKeys(ch);
    const talkFrom = 3_000 * ch.keys.length;
    if (ch.talkSec > 0) {
      this.after(ch, talkFrom + ch.talkSec * 1000, () => this.hangup(ch, Q850.NORMAL_CLEARING));
    }
  }

  /** wait_for_silence: a machine goes quiet after its greeting and beep, a person within 1 s. */
  private waitForSilence(ch: SimChannel, args: string): void {
    const sinceAnswer = (Date.now() - (ch.answeredAt ?? Date.now())) / this.timeScale;
    const ms = ch.behaviour.kind === 'machine' ? Math.max(0, MACHINE_QUIET_MS - sinceAnswer) : 1_000;
    this.after(ch, ms, () => {
      ch.vars['wait_for_silence_timeout'] = 'false';
      this.publish({
        ...channelHeaders(ch, this.coreUuid),
        'Event-Name': 'CHANNEL_EXECUTE_COMPLETE',
        Application: 'wait_for_silence',
        'Application-Data': args,
        'Application-Response': '_none_',
      });
    });
  }

  private fail(ch: SimChannel, args: string, cause: number, sipStatus: number): void {
    ch.vars['sip_term_status'] = String(sipStatus);
    this.hangup(ch, cause);
    this.job(ch.jobId, 'originate', args, `-ERR ${causeName(cause)}\n`);
  }

  private hangup(ch: SimChannel, cause: number): void {
    if (!this.channels.has(ch.uuid)) return;
    for (const t of ch.timers) clearTimeout(t);
    ch.timers.clear();
    if (ch.record) this.stopRecord(ch);
    this.media.drop(ch.uuid);
    this.leaveRoom(ch);
    this.channels.delete(ch.uuid);
    ch.callState = 'HANGUP';
    const answered = ch.answeredAt !== undefined;
    ch.vars['hangup_cause'] = causeName(cause);
    ch.vars['hangup_cause_q850'] = String(cause);
    ch.vars['answersec'] = answered ? '1' : '0';
    ch.vars['billsec'] = answered ? String(Math.round((Date.now() - (ch.answeredAt ?? 0)) / 1000)) : '0';
    this.publish({
      ...channelHeaders(ch, this.coreUuid),
      'Event-Name': 'CHANNEL_HANGUP_COMPLETE',
      'Hangup-Cause': causeName(cause),
      'Answer-State': 'hangup',
    });
  }

  private stopRecord(ch: SimChannel): void {
    const rec = ch.record;
    if (!rec) return;
    delete ch.record;
    writeToneWav(rec.path, Math.min(60, (Date.now() - rec.startedAt) / 1000), rec.stereo ? 2 : 1);
    this.publish({
      ...channelHeaders(ch, this.coreUuid),
      'Event-Name': 'RECORD_STOP',
      'Record-File-Path': rec.path,
    });
  }

  private leaveRoom(ch: SimChannel): void {
    if (!ch.room) return;
    const name = ch.room;
    delete ch.room;
    const room = this.rooms.get(name);
    if (!room) return;
    room.members.delete(ch.uuid);
    this.conferenceEvent(name, 'del-member', ch.uuid);
    if (room.members.size > 0) return;
    // The last member left: FreeSWITCH ends the conference and closes its recordings.
    for (const path of [...room.records.keys()]) this.finishRoomRecording(name, path);
    this.rooms.delete(name);
  }

  private finishRoomRecording(name: string, path: string): boolean {
    const started = this.rooms.get(name)?.records.get(path);
    if (started === undefined) return false;
    this.rooms.get(name)?.records.delete(path);
    writeToneWav(path, Math.min(60, (Date.now() - started) / 1000), 1);
    this.conferenceEvent(name, 'stop-recording', undefined, path);
    return true;
  }

  private conferenceEvent(name: string, action: string, uuid?: string, path?: string): void {
    this.publish({
      'Event-Name': 'CUSTOM',
      'Core-UUID': this.coreUuid,
      'Event-Subclass': 'conference::maintenance',
      'Conference-Name': name,
      Action: action,
      ...(uuid ? { 'Unique-ID': uuid } : {}),
      ...(path ? { Path: path } : {}),
    });
  }

  private job(jobId: string, command: string, args: string, body: string): void {
    if (!jobId) return;
    this.publish(
      {
        'Event-Name': 'BACKGROUND_JOB',
        'Core-UUID': this.coreUuid,
        'Job-UUID': jobId,
        'Job-Command': command,
        'Job-Command-Arg': args,
      },
      body,
    );
  }

  private after(ch: SimChannel, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      ch.timers.delete(t);
      fn();
    }, ms * this.timeScale);
    ch.timers.add(t);
  }
}
