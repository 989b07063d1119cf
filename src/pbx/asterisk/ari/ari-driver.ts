import { outcomeFromQ850 } from '../../../domain/call-outcome.js';
import { EventFanout } from '../../event-fanout.js';
import type { Logger } from '../../../logger.js';
import {
  assertCallId,
  PbxError,
  type HangupReason,
  type LiveCall,
  type OriginateRequest,
  type PbxCapability,
  type PbxDriver,
  type PbxEvent,
  type PbxHealth,
  type PlayOptions,
  type RecordingRequest,
  type SnoopMode,
} from '../../pbx-driver.js';
import { assertOriginateValues } from '../../protocol-values.js';
import { AriPlayback } from './ari-playback.js';
import { AriSocket } from './ari-socket.js';
import {
  amdResult,
  liveState,
  normaliseCause,
  recordingEvent,
  SNOOP_PREFIX,
  type AriEvent,
} from './events.js';
import { liveChannelIds, type AriCallState as CallState, type AriDriverOptions } from './ari-options.js';
import { AriRest } from './rest.js';
import { RecentIds } from '../../recent-ids.js';

export type { AriDriverOptions } from './ari-options.js';

/** Asterisk over ARI. The engine never sees ari-client or ARI's JSON. */
const ARI_CAPABILITIES: PbxCapability[] = ['originate', 'bridge', 'record', 'play', 'snoop', 'amd', 'dtmf'];

export class AriDriver implements PbxDriver {
  readonly kind = 'ari';
  readonly capabilities: ReadonlySet<PbxCapability> = new Set(ARI_CAPABILITIES);
  private readonly rest: AriRest;
  private readonly playback: AriPlayback;
  private readonly socket: AriSocket;
  private readonly calls = new Map<string, CallState>();
  private readonly used = new RecentIds();
  private readonly snoopWaiters = new Map<string, () => void>();
  private readonly events: EventFanout;
  private wasDown = false;

  constructor(
    private readonly options: AriDriverOptions,
    private readonly logger: Logger,
  ) {
    this.events = new EventFanout((err, e) =>
      logger.error({ err: String(err), event: e.type }, 'PBX event listener threw'),
    );
    this.rest = new AriRest(options);
    this.playback = new AriPlayback(this.rest, (e) => this.emit(e));
    this.socket = new AriSocket(options, options.app, logger, {
      pingIntervalMs: options.pingIntervalMs ?? 5_000,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
    });
    this.socket.on('event', (e) => this.handle(e));
    this.socket.on('up', () => void this.onUp());
    this.socket.on('down', (detail) => {
      this.wasDown = true;
      this.emit({ type: 'connection', state: 'down', detail, at: Date.now() });
    });
  }

  async connect(): Promise<void> {
    try {
      await this.socket.open();
    } catch (err) {
      throw new PbxError('not-connected', `cannot connect to ARI at ${this.options.url}: ${String(err)}`, {
        cause: err,
      });
    }
  }

  close(): Promise<void> {
    this.socket.close();
    this.events.clear();
    return Promise.resolve();
  }

  retained(): Record<string, number> {
    const [calls, usedIds, snoops] = [this.calls.size, this.used.size, this.snoopWaiters.size];
    return {
      calls,
      usedIds,
      snoopWaiters: snoops,
      playbackCalls: this.playback.retained(),
      events: this.events.size,
    };
  }

  onEvent(listener: (event: PbxEvent) => void): () => void {
    return this.events.add(listener);
  }

  async originate(r: OriginateRequest): Promise<void> {
    assertCallId(r.callId);
    assertOriginateValues(r);
    if (this.used.has(r.callId)) throw new PbxError('duplicate', `call id ${r.callId} was already used`);
    this.used.add(r.callId);
    this.calls.set(r.callId, {
      amd: r.amd === true,
      waitForBeep: r.amdWaitForBeep === true,
      answered: false,
      ringing: false,
    });
    const callerId = r.callerId
      ? `"${(r.callerId.name ?? '').replace(/"/g, '')}" <${r.callerId.number}>`
      : undefined;
    try {
      await this.rest.call(
        'POST',
        `/channels/${encodeURIComponent(r.callId)}`,
        { endpoint: r.endpoint, app: this.options.app, appArgs: 'dialer', callerId, timeout: r.timeoutSec },
        { variables: { ...r.variables, DIALER_APP: this.options.app } },
      );
    } catch (err) {
      this.calls.delete(r.callId);
      throw err;
    }
  }

  async hangup(callId: string, reason: HangupReason = 'normal'): Promise<void> {
    // Our HangupReason values are ARI's own reason names.
    await this.quietly(() => this.rest.call('DELETE', `/channels/${encodeURIComponent(callId)}`, { reason }));
  }

  async createBridge(bridgeId: string): Promise<void> {
    assertCallId(bridgeId);
    await this.rest.call('POST', `/bridges/${encodeURIComponent(bridgeId)}`, {
      type: 'mixing',
      name: bridgeId,
    });
  }

  async addToBridge(bridgeId: string, callId: string): Promise<void> {
    await this.rest.call(
      'POST',
      `/bridges/${encodeURIComponent(bridgeId)}/addChannel`,
      { channel: callId },
      undefined,
      {
        409: 'rejected',
        422: 'rejected',
      },
    );
    const c = this.calls.get(callId);
    if (c) c.bridgeId = bridgeId;
  }

  async removeFromBridge(bridgeId: string, callId: string): Promise<void> {
    await this.quietly(() =>
      this.rest.call('POST', `/bridges/${encodeURIComponent(bridgeId)}/removeChannel`, { channel: callId }),
    );
    const c = this.calls.get(callId);
    if (c?.bridgeId === bridgeId) c.bridgeId = undefined;
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    // Right after a DELETE, a second one can meet the bridge half torn down: 409 "Bridge not in
    // Stasis application" (seen on 22.10.1) — it is gone for us either way.
    await this.quietly(() =>
      this.rest.call('DELETE', `/bridges/${encodeURIComponent(bridgeId)}`, {}, undefined, {
        409: 'not-found',
      }),
    );
  }

  play(callId: string, media: string, options: PlayOptions = {}): Promise<string> {
    return this.playback.play(callId, media, options.playbackId);
  }

  stopPlayback(callId: string): Promise<void> {
    return this.playback.stop(callId);
  }

  async startRecording(r: RecordingRequest): Promise<void> {
    assertCallId(r.name);
    const query = {
      name: r.name,
      format: r.format ?? 'wav',
      maxDurationSeconds: r.maxDurationSec ?? 0,
      ifExists: 'overwrite',
      beep: false,
      terminateOn: 'none',
    };
    if ('bridgeId' in r.target) {
      await this.rest.call('POST', `/bridges/${encodeURIComponent(r.target.bridgeId)}/record`, query);
      return;
    }
    // Both directions of one call: a snoop channel hears what the party says and what it hears.
    const snoopId = `${SNOOP_PREFIX}${r.name}`;
    await this.createSnoop(r.target.callId, snoopId, 'none');
    await this.rest.call('POST', `/channels/${encodeURIComponent(snoopId)}/record`, query);
  }

  async stopRecording(name: string): Promise<void> {
    await this.quietly(() => this.rest.call('POST', `/recordings/live/${encodeURIComponent(name)}/stop`));
  }

  async fetchRecording(name: string, destination: string): Promise<{ bytes: number }> {
    return this.rest.download(`/recordings/stored/${encodeURIComponent(name)}/file`, destination);
  }

  async deleteRecording(name: string): Promise<void> {
    await this.quietly(() => this.rest.call('DELETE', `/recordings/stored/${encodeURIComponent(name)}`));
  }

  async snoop(targetCallId: string, mode: SnoopMode, request: OriginateRequest): Promise<void> {
    const target = this.calls.get(targetCallId);
    if (!target) throw new PbxError('not-found', `call ${targetCallId} is not live`);
    let join: () => Promise<void>;
    let cleanup: () => Promise<void> = () => Promise.resolve();
    if (mode === 'barge') {
      const bridgeId = target.bridgeId;
      if (!bridgeId) throw new PbxError('rejected', `call ${targetCallId} is not in a bridge to barge into`);
      join = () => this.addToBridge(bridgeId, request.callId);
    } else {
      const snoopId = `${SNOOP_PREFIX}${request.callId}`;
      const bridgeId = `sup-${request.callId}`;
      join = async () => {
        await this.createSnoop(targetCallId, snoopId, mode === 'whisper' ? 'out' : 'none');
        await this.createBridge(bridgeId);
        await this.addToBridge(bridgeId, snoopId);
        await this.addToBridge(bridgeId, request.callId);
      };
      cleanup = async () => {
        await this.hangup(snoopId);
        await this.destroyBridge(bridgeId);
      };
    }
    await this.originate(request);
    const state = this.calls.get(request.callId);
    if (state) {
      state.onAnswer = join;
      state.onEnd = cleanup;
    }
  }

  async listCalls(): Promise<LiveCall[]> {
    const channels = await this.rest.call<{ id: string; state: string }[]>('GET', '/channels');
    return channels
      .filter((c) => this.calls.has(c.id))
      .map((c) => ({
        callId: c.id,
        state: liveState(c.state),
        bridgeId: this.calls.get(c.id)?.bridgeId,
      }));
  }

  async health(): Promise<PbxHealth> {
    const started = performance.now();
    try {
      await this.rest.call('GET', '/asterisk/ping');
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      return {
        ok: this.socket.isUp,
        latencyMs,
        detail: this.socket.isUp ? 'ARI up' : 'REST up, events down',
      };
    } catch (err) {
      return { ok: false, detail: String(err) };
    }
  }

  private async createSnoop(callId: string, snoopId: string, whisper: 'none' | 'out'): Promise<void> {
    const inStasis = new Promise<void>((resolve) => this.snoopWaiters.set(snoopId, resolve));
    await this.rest.call(
      'POST',
      `/channels/${encodeURIComponent(callId)}/snoop/${encodeURIComponent(snoopId)}`,
      {
        spy: 'both',
        whisper,
        app: this.options.app,
        appArgs: 'snoop',
      },
    );
    // Recording or bridging a channel needs it in Stasis; the event follows the reply closely.
    await Promise.race([inStasis, new Promise((r) => setTimeout(r, 2_000))]);
    this.snoopWaiters.delete(snoopId);
  }

  private handle(e: AriEvent): void {
    const at = Date.now();
    const id = e.channel?.id;
    if (e.type.startsWith('Recording') && e.recording) return this.handleRecording(e, at);
    if (e.type.startsWith('Playback')) return this.playback.onEvent(e, at);
    if (!id) return;
    if (id.startsWith(SNOOP_PREFIX)) {
      if (e.type === 'StasisStart') this.snoopWaiters.get(id)?.();
      return;
    }
    const call = this.calls.get(id);
    if (!call) return;
    switch (e.type) {
      case 'ChannelStateChange':
        if ((e.channel?.state === 'Ringing' || e.channel?.state === 'Ring') && !call.ringing) {
          call.ringing = true;
          this.emit({ type: 'ringing', callId: id, at });
        }
        break;
      case 'StasisStart':
        this.onStasisStart(id, call, e.args ?? [], at);
        break;
      case 'ChannelDtmfReceived':
        if (e.digit) this.emit({ type: 'dtmf', callId: id, digit: e.digit, at });
        break;
      case 'ChannelDestroyed':
        this.onDestroyed(id, call, e, at);
        break;
    }
  }

  private onStasisStart(id: string, call: CallState, args: string[], at: number): void {
    if (args[0] === 'amd') {
      const result = amdResult(args[1]);
      // [dialer-amd-beep] adds WaitForSilence's WAITSTATUS (SILENCE or TIMEOUT) for machines.
      const detail = [args[2], args[3]].filter(Boolean).join(' ');
      this.emit({ type: 'amd', callId: id, result, detail, at });
      return;
    }
    if (call.answered) return;
    call.answered = true;
    this.emit({ type: 'answered', callId: id, at });
    if (call.amd) {
      void this.quietly(() =>
        this.rest.call('POST', `/channels/${encodeURIComponent(id)}/continue`, {
          context: call.waitForBeep
            ? (this.options.amdBeepContext ?? 'dialer-amd-beep')
            : (this.options.amdContext ?? 'dialer-amd'),
          extension: 's',
          priority: 1,
        }),
      );
    }
    if (call.onAnswer) {
      call
        .onAnswer()
        .catch((err: unknown) =>
          this.logger.error({ err: String(err), callId: id }, 'supervision join failed'),
        );
    }
  }

  private onDestroyed(id: string, call: CallState, e: AriEvent, at: number): void {
    this.calls.delete(id);
    this.playback.forget(id);
    const cause = normaliseCause(e.cause, call.answered);
    this.emit({
      type: 'hangup',
      callId: id,
      at,
      outcome: outcomeFromQ850(cause, call.answered),
      cause,
      causeText: e.cause_txt ?? '',
      sipStatus: e.tech_cause && e.tech_cause >= 100 ? e.tech_cause : undefined,
      answered: call.answered,
    });
    call.onEnd?.().catch(() => undefined);
  }

  private handleRecording(e: AriEvent, at: number): void {
    const mapped = recordingEvent(e, at);
    if (mapped) this.emit(mapped);
  }

  /** After a reconnect: calls that ended while we were deaf are reported lost. */
  private async onUp(): Promise<void> {
    this.emit({ type: 'connection', state: 'up', at: Date.now() });
    if (!this.wasDown) return;
    this.wasDown = false;
    const live = await liveChannelIds(this.rest, () => this.socket.isUp, this.logger);
    if (!live) return;
    const lost = [...this.calls.keys()].filter((id) => !live.has(id));
    for (const id of lost) this.calls.delete(id);
    if (lost.length > 0) this.emit({ type: 'calls-lost', callIds: lost, at: Date.now() });
  }

  private async quietly(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof PbxError && (err.code === 'not-found' || err.code === 'rejected')) return;
      throw err;
    }
  }

  private emit(e: PbxEvent): void {
    this.events.emit(e);
  }
}
