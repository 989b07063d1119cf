import type { Logger } from '../../logger.js';
import type { PbxEvent } from '../pbx-driver.js';
import type { EslEvent } from './esl-client.js';
import { WAIT_FOR_BEEP } from './esl-commands.js';
import { amdFromModAmd } from './esl-events.js';
import type { EslAmdEngine } from './esl-options.js';

/** What AMD needs from the driver. */
export interface EslAmdHost {
  bgapi(command: string): Promise<string>;
  emit(event: PbxEvent): void;
  logger: Logger;
}

interface AmdCall {
  waitForBeep: boolean;
  /** A machine's verdict, held while wait_for_silence waits for the end of its beep. */
  machineDetail?: string;
  timer?: NodeJS.Timeout;
}

export interface EslAmdTimings {
  /** mod_amd: no `amd::info` this long after answer → `notsure` (mod_amd itself gives up at 5 s). */
  verdictTimeoutMs: number;
  /** avmd: no beep this long after answer → `notsure` (avmd cannot tell a person). */
  avmdWindowMs: number;
}

/**
 * Answering-machine detection on FreeSWITCH, started when a call with `amd` is answered.
 *
 * mod_amd: `uuid_broadcast <uuid> amd:: aleg` adds a media bug and returns at once; the verdict
 * comes later as `CUSTOM amd::info` (`variable_amd_result` HUMAN/MACHINE/NOTSURE,
 * `variable_amd_cause`). With `amdWaitForBeep`, a MACHINE verdict is held until
 * `wait_for_silence` (1 s of quiet after sound) ends: the greeting and its beep are over.
 *
 * avmd (mod_avmd): `avmd <uuid> start`; `CUSTOM avmd::beep` is a machine's beep. avmd does not
 * classify people: with no beep within the window the verdict is `notsure`, never `human`. Any
 * steady tone counts as a beep, so it is for "a beep was heard", not for telling machines apart.
 */
export class EslAmd {
  private readonly calls = new Map<string, AmdCall>();

  constructor(
    private readonly host: EslAmdHost,
    private readonly engine: EslAmdEngine,
    private readonly timings: EslAmdTimings,
  ) {}

  start(callId: string, waitForBeep: boolean): void {
    const call: AmdCall = { waitForBeep };
    this.calls.set(callId, call);
    const avmd = this.engine === 'avmd';
    this.send(callId, avmd ? `avmd ${callId} start` : `uuid_broadcast ${callId} amd:: aleg`, 'AMD start');
    const [ms, detail] = avmd
      ? [this.timings.avmdWindowMs, 'NO-BEEP']
      : [this.timings.verdictTimeoutMs, 'NO-VERDICT'];
    call.timer = setTimeout(() => this.verdict(callId, 'notsure', detail), ms);
  }

  /** CUSTOM events: returns true when it was one of AMD's. */
  onCustom(e: EslEvent): boolean {
    const subclass = e.headers['Event-Subclass'];
    if (subclass !== 'amd::info' && subclass !== 'avmd::beep') return false;
    const callId = e.headers['Unique-ID'] ?? '';
    const call = this.calls.get(callId);
    if (!call || call.machineDetail !== undefined) return true;
    if (subclass === 'avmd::beep') {
      if (this.engine === 'avmd') this.verdict(callId, 'machine', 'BEEP');
      return true;
    }
    const result = amdFromModAmd(e.headers['variable_amd_result']);
    const detail = e.headers['variable_amd_cause'] ?? '';
    if (result !== 'machine' || !call.waitForBeep) {
      this.verdict(callId, result, detail);
      return true;
    }
    clearTimeout(call.timer);
    call.machineDetail = detail;
    this.send(callId, `uuid_broadcast ${callId} ${WAIT_FOR_BEEP} aleg`, 'wait_for_silence');
    return true;
  }

  /** CHANNEL_EXECUTE_COMPLETE of a call: the end of wait_for_silence after a machine verdict. */
  onExecuteComplete(callId: string, e: EslEvent): void {
    const call = this.calls.get(callId);
    if (call?.machineDetail === undefined || e.headers['Application'] !== 'wait_for_silence') return;
    const quiet = e.headers['variable_wait_for_silence_timeout'] === 'true' ? 'TIMEOUT' : 'SILENCE';
    this.verdict(callId, 'machine', `${call.machineDetail} ${quiet}`);
  }

  forget(callId: string): void {
    clearTimeout(this.calls.get(callId)?.timer);
    this.calls.delete(callId);
  }

  clear(): void {
    for (const id of [...this.calls.keys()]) this.forget(id);
  }

  private verdict(callId: string, result: ReturnType<typeof amdFromModAmd>, detail: string): void {
    if (!this.calls.has(callId)) return;
    this.forget(callId);
    this.host.emit({ type: 'amd', callId, result, detail, at: Date.now() });
  }

  private send(callId: string, command: string, what: string): void {
    this.host
      .bgapi(command)
      .catch((err: unknown) => this.host.logger.warn({ callId, err: String(err) }, `${what} failed`));
  }
}
