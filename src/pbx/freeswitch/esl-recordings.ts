import { copyFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../logger.js';
import { PbxError, type PbxEvent, type RecordingRequest } from '../pbx-driver.js';
import { isNoSuchChannel } from './esl-commands.js';

interface RecordingState {
  path: string;
  target: { room: string } | { uuid: string };
  finished: boolean;
}

/** What the recorder needs from the driver. */
export interface EslRecorderHost {
  api(command: string): Promise<string>;
  emit(event: PbxEvent): void;
  logger: Logger;
}

/**
 * Recordings on FreeSWITCH: a call with `uuid_record` (RECORD_STEREO: the party on one channel,
 * what it hears on the other), a bridge (conference) with `conference <room> record`. Files are
 * `<recordingDir>/<name>.wav` on the FreeSWITCH host and read back through `localDir`.
 */
export class EslRecorder {
  private readonly recordings = new Map<string, RecordingState>();

  constructor(
    private readonly host: EslRecorderHost,
    private readonly recordingDir: string,
    private readonly localDir: string,
  ) {}

  async start(r: RecordingRequest): Promise<void> {
    assertName(r.name);
    if (this.recordings.has(r.name)) throw new PbxError('duplicate', `recording ${r.name} exists`);
    const path = join(this.recordingDir, `${r.name}.wav`);
    // Registered before the command: RECORD_START can arrive ahead of the api reply.
    const target = 'bridgeId' in r.target ? { room: r.target.bridgeId } : { uuid: r.target.callId };
    this.recordings.set(r.name, { path, target, finished: false });
    try {
      if ('room' in target) {
        const reply = await this.host.api(`conference ${target.room} record ${path}`);
        if (/^-ERR|not found/i.test(reply)) throw new PbxError('rejected', reply.trim());
      } else {
        const limit = r.maxDurationSec ? ` ${r.maxDurationSec}` : '';
        await this.ok(`uuid_setvar ${target.uuid} RECORD_STEREO true`);
        await this.ok(`uuid_record ${target.uuid} start ${path}${limit}`);
      }
    } catch (e) {
      this.recordings.delete(r.name);
      throw e;
    }
  }

  async stop(name: string): Promise<void> {
    const rec = this.recordings.get(name);
    if (!rec) throw new PbxError('not-found', `recording ${name} is unknown`);
    if (rec.finished) return;
    const cmd =
      'room' in rec.target
        ? `conference ${rec.target.room} norecord ${rec.path}`
        : `uuid_record ${rec.target.uuid} stop ${rec.path}`;
    const reply = await this.host.api(cmd);
    if (reply.startsWith('-ERR') && !isNoSuchChannel(reply)) {
      this.host.logger.warn({ name, reply: reply.trim() }, 'stop recording');
    }
  }

  async fetch(name: string, destination: string): Promise<{ bytes: number }> {
    const source = this.localPath(name);
    try {
      await copyFile(source, destination);
      return { bytes: (await stat(destination)).size };
    } catch (e) {
      throw new PbxError('not-found', `recording ${name} is not in the spool`, { cause: e });
    }
  }

  async delete(name: string): Promise<void> {
    await unlink(this.localPath(name)).catch(() => undefined);
    this.recordings.delete(name);
  }

  /**
   * RECORD_START/RECORD_STOP (Record-File-Path) or conference::maintenance (Path). A conference
   * that cannot open the file still sends `start-recording`, with an `Error` header
   * (mod_conference conference_record_thread_run): that recording failed, it did not start.
   */
  onPath(path: string, started: boolean, error?: string): void {
    for (const [name, rec] of this.recordings) {
      if (rec.path !== path || rec.finished) continue;
      if (error) {
        rec.finished = true;
        return this.host.emit({ type: 'recording-failed', name, detail: error, at: Date.now() });
      }
      if (started) return this.host.emit({ type: 'recording-started', name, at: Date.now() });
      rec.finished = true;
      return this.host.emit({ type: 'recording-finished', name, at: Date.now() });
    }
  }

  private async ok(command: string): Promise<void> {
    const reply = await this.host.api(command);
    if (isNoSuchChannel(reply)) throw new PbxError('not-found', reply.trim());
    if (reply.startsWith('-ERR')) throw new PbxError('rejected', reply.trim());
  }

  private localPath(name: string): string {
    assertName(name);
    return join(this.localDir, `${name}.wav`);
  }
}

function assertName(name: string): void {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new PbxError('rejected', `bad recording name ${name}`);
}
