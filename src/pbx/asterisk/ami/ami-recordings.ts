import { access, unlink } from 'node:fs/promises';
import { copyFileToNewFile, RECORDING_FILE_MODE } from '../../../files/private-file.js';
import { join } from 'node:path';
import type { Logger } from '../../../logger.js';
import { PbxError, type PbxEvent } from '../../pbx-driver.js';
import type { AmiAction, AmiMessage } from './ami-client.js';

/** What the recorder needs from the driver. */
export interface AmiRecorderHost {
  action(action: AmiAction): Promise<AmiMessage>;
  /** The channel name of a live call (or its uniqueid, which AMI actions also accept). */
  channelOf(callId: string): string;
  emit(event: PbxEvent): void;
  logger: Logger;
}

/**
 * Recordings with the AMI `MixMonitor` action: one channel, both directions mixed (what it says
 * and what it hears). A relative file name lands in Asterisk's monitor spool, which the dialer
 * reads through `spool` (in the lab: `<chroot>/var/spool/asterisk/monitor`).
 */
export class AmiRecorder {
  private readonly recordings = new Map<string, { callId: string; finished: boolean }>();

  constructor(
    private readonly host: AmiRecorderHost,
    private readonly spool: string,
  ) {}

  async start(name: string, callId: string): Promise<void> {
    assertName(name);
    if (this.recordings.has(name)) throw new PbxError('duplicate', `recording ${name} exists`);
    const channel = this.host.channelOf(callId);
    await this.host.action({ action: 'MixMonitor', channel, file: `${name}.wav` });
    this.recordings.set(name, { callId, finished: false });
    this.host.emit({ type: 'recording-started', name, at: Date.now() });
  }

  async stop(name: string): Promise<void> {
    const rec = this.recordings.get(name);
    if (!rec) throw new PbxError('not-found', `recording ${name} is unknown`);
    if (rec.finished) return;
    await this.host
      .action({ action: 'StopMixMonitor', channel: this.host.channelOf(rec.callId) })
      .catch((e: unknown) => this.host.logger.warn({ name, err: String(e) }, 'StopMixMonitor'));
    await this.finish(name);
  }

  /** The recorded call hung up: MixMonitor stops with it. */
  callEnded(callId: string): void {
    for (const [name, rec] of this.recordings) if (rec.callId === callId) void this.finish(name);
  }

  async fetch(name: string, destination: string): Promise<{ bytes: number }> {
    try {
      return {
        bytes: await copyFileToNewFile(this.path(name), destination, RECORDING_FILE_MODE),
      };
    } catch (e) {
      throw new PbxError('not-found', `recording ${name} is not in the spool`, { cause: e });
    }
  }

  async delete(name: string): Promise<void> {
    await unlink(this.path(name)).catch(() => undefined);
    this.recordings.delete(name);
  }

  /** MixMonitor closes its file shortly after it detaches; wait for it before saying finished. */
  private async finish(name: string): Promise<void> {
    const rec = this.recordings.get(name);
    if (!rec || rec.finished) return;
    rec.finished = true;
    for (let i = 0; i < 20; i++) {
      const exists = await access(this.path(name)).then(
        () => true,
        () => false,
      );
      if (exists) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.host.emit({ type: 'recording-finished', name, at: Date.now() });
  }

  private path(name: string): string {
    assertName(name);
    return join(this.spool, `${name}.wav`);
  }
}

function assertName(name: string): void {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new PbxError('rejected', `bad recording name ${name}`);
}
