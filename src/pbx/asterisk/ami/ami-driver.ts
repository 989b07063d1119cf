import { ReconnectingSession } from '../../reconnecting-session.js';
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
import { AmiClient, type AmiMessage } from './ami-client.js';
import { SPY_OPTIONS, type AmiDriverOptions, type CallState } from './ami-options.js';
import { AmiPlayback } from './ami-playback.js';
import { AmiRecorder } from './ami-recordings.js';
import { AMI_HANGUP_CAUSES, amdFromStatus, hangupFromAmi, liveCalls, validCause } from './ami-events.js';
import { RecentIds } from '../../recent-ids.js';

/**
 * Asterisk over AMI, for installations without ARI. Calls are parked in dialplan
 * ([dialer-ami-park]) and joined by redirecting them into a ConfBridge ([dialer-ami-bridge]):
 * the AMI `Bridge` action makes a two-party basic bridge that a third party (a second agent, a
 * supervisor barging) cannot join and that ends when either side leaves, which does not fit an
 * agent who stays in their bridge across customers. Sounds are played by redirecting the
 * channel through [dialer-ami-play] and back (see AmiPlayback).
 */
export class AmiDriver implements PbxDriver {
  readonly kind = 'ami';
  readonly capabilities: ReadonlySet<PbxCapability> = new Set([
    'originate',
    'bridge',
    'record',
    'play',
    'snoop',
    'amd',
    'dtmf',
  ]);
  private client: AmiClient | undefined;
  private readonly calls = new Map<string, CallState>();
  private readonly used = new RecentIds();
  private readonly rooms = new Map<string, Set<string>>();
  private readonly recorder: AmiRecorder;
  private readonly playback: AmiPlayback;
  private readonly events: EventFanout;
  private readonly session: ReconnectingSession<AmiClient>;

  constructor(
    private readonly options: AmiDriverOptions,
    private readonly logger: Logger,
  ) {
    this.events = new EventFanout((err, e) =>
      logger.error({ err: String(err), event: e.type }, 'PBX event listener threw'),
    );
    this.session = new ReconnectingSession<AmiClient>({
      name: 'AMI',
      create: () => {
        const client = new AmiClient({
          host: options.host,
          port: options.port,
          username: options.username,
          secret: options.secret,
          connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
          actionTimeoutMs: options.actionTimeoutMs ?? 10_000,
        });
        client.on('event', (e) => this.handle(e));
        return client;
      },
      minBackoffMs: 250,
      maxBackoffMs: options.maxBackoffMs ?? 10_000,
      logger,
      onDown: (detail: string) => this.emit({ type: 'connection', state: 'down', detail, at: Date.now() }),
      onReconnected: () => {
        this.emit({ type: 'connection', state: 'up', at: Date.now() });
        void this.reconcile();
      },
    });
    this.recorder = new AmiRecorder(
      {
        action: (a) => this.live().action(a),
        channelOf: (callId) => this.calls.get(callId)?.channel ?? callId,
        emit: (e) => this.emit(e),
        logger,
      },
      options.monitorSpool,
    );
    this.playback = new AmiPlayback(
      {
        action: (a) => this.live().action(a),
        channelOf: (callId) => this.calls.get(callId)?.channel ?? callId,
        bridgeOf: (callId) => this.calls.get(callId)?.bridgeId,
        emit: (e) => this.emit(e),
      },
      options.playContext ?? 'dialer-ami-play',
    );
  }

  async connect(): Promise<void> {
    await this.session.open();
    this.emit({ type: 'connection', state: 'up', at: Date.now() });
  }

  close(): Promise<void> {
    this.session.close();
    this.events.clear();
    return Promise.resolve();
  }

  onEvent(listener: (event: PbxEvent) => void): () => void {
    return this.events.add(listener);
  }

  async originate(r: OriginateRequest): Promise<void> {
    const context =
      r.amd && r.amdWaitForBeep
        ? (this.options.parkBeepContext ?? 'dialer-ami-park-beep')
        : (this.options.parkContext ?? 'dialer-ami-park');
    await this.start(r, { context, exten: 's', priority: 1 });
  }

  async hangup(callId: string, reason: HangupReason = 'normal'): Promise<void> {
    assertCallId(callId);
    const call = this.calls.get(callId);
    // Until Newchannel arrives the originate may still be queued: Hangup would find nothing.
    if (call && !call.channel) call.hangupPending = AMI_HANGUP_CAUSES[reason];
    const channel = call?.channel ?? callId;
    try {
      await this.live().action({ action: 'Hangup', channel, cause: AMI_HANGUP_CAUSES[reason] });
    } catch (e) {
      // "No such channel": already gone, which is what the caller wanted.
      if (!(e instanceof PbxError && e.code === 'rejected')) throw e;
    }
  }

  createBridge(bridgeId: string): Promise<void> {
    assertCallId(bridgeId);
    if (!this.rooms.has(bridgeId)) this.rooms.set(bridgeId, new Set());
    return Promise.resolve();
  }

  async addToBridge(bridgeId: string, callId: string): Promise<void> {
    const room = this.room(bridgeId);
    const call = this.call(callId);
    const channel = call.channel ?? callId;
    const client = this.live();
    await client.action({ action: 'Setvar', channel, variable: 'DIALER_BRIDGE', value: bridgeId });
    await client.action({
      action: 'Redirect',
      channel,
      context: this.options.bridgeContext ?? 'dialer-ami-bridge',
      exten: 's',
      priority: 1,
    });
    this.playback.interrupted(callId);
    if (call.bridgeId) this.rooms.get(call.bridgeId)?.delete(callId);
    call.bridgeId = bridgeId;
    room.add(callId);
  }

  async removeFromBridge(bridgeId: string, callId: string): Promise<void> {
    const room = this.room(bridgeId);
    const call = this.call(callId);
    if (call.bridgeId !== bridgeId) throw new PbxError('not-found', `call ${callId} is not in ${bridgeId}`);
    await this.park(callId);
    room.delete(callId);
    delete call.bridgeId;
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    const room = this.rooms.get(bridgeId);
    if (!room) return;
    this.rooms.delete(bridgeId);
    for (const callId of room) {
      const call = this.calls.get(callId);
      if (call) delete call.bridgeId;
      await this.park(callId).catch((e: unknown) => this.logger.warn({ callId, err: String(e) }, 'park'));
    }
  }

  async play(callId: string, media: string, options: PlayOptions = {}): Promise<string> {
    const call = this.call(callId);
    if (!call.answered) throw new PbxError('rejected', `call ${callId} is not answered`);
    return this.playback.play(callId, media, options.playbackId);
  }

  async stopPlayback(callId: string): Promise<void> {
    assertCallId(callId);
    if (this.calls.has(callId)) await this.playback.stop(callId);
  }

  async startRecording(r: RecordingRequest): Promise<void> {
    // In a ConfBridge one member's MixMonitor hears everyone else and itself: the whole mix.
    const callId = 'callId' in r.target ? r.target.callId : [...this.room(r.target.bridgeId)][0];
    if (!callId) throw new PbxError('rejected', 'the bridge has no members to record');
    this.call(callId);
    await this.recorder.start(r.name, callId);
  }

  stopRecording(name: string): Promise<void> {
    return this.recorder.stop(name);
  }

  fetchRecording(name: string, destination: string): Promise<{ bytes: number }> {
    return this.recorder.fetch(name, destination);
  }

  deleteRecording(name: string): Promise<void> {
    return this.recorder.delete(name);
  }

  async snoop(targetCallId: string, mode: SnoopMode, request: OriginateRequest): Promise<void> {
    const target = this.call(targetCallId);
    if (!target.channel) throw new PbxError('not-found', `channel of ${targetCallId} is not known yet`);
    await this.start(request, { application: 'ChanSpy', data: `${target.channel},${SPY_OPTIONS[mode]}` });
  }

  async listCalls(): Promise<LiveCall[]> {
    const rows = await this.live().list({ action: 'CoreShowChannels' }, 'coreshowchannel');
    return liveCalls(rows, (callId) => this.calls.get(callId)?.bridgeId);
  }

  async health(): Promise<PbxHealth> {
    const started = Date.now();
    try {
      const res = await this.live().action({ action: 'Ping' });
      return { ok: res['ping'] === 'Pong', latencyMs: Date.now() - started, detail: res['ping'] ?? '' };
    } catch (e) {
      return { ok: false, detail: e instanceof Error ? e.message : String(e) };
    }
  }

  private async start(r: OriginateRequest, target: Record<string, string | number>): Promise<void> {
    assertCallId(r.callId);
    assertOriginateValues(r);
    const client = this.live();
    if (this.used.has(r.callId)) throw new PbxError('duplicate', `call id ${r.callId} was already used`);
    this.used.add(r.callId);
    this.calls.set(r.callId, { answered: false, ringing: false, amd: r.amd === true });
    const callerid = r.callerId
      ? `"${(r.callerId.name ?? '').replace(/"/g, '')}" <${r.callerId.number}>`
      : undefined;
    try {
      await client.action({
        action: 'Originate',
        channel: r.endpoint,
        ...target,
        async: 'true',
        channelid: r.callId,
        timeout: Math.round(r.timeoutSec * 1000),
        callerid,
        variable: { ...r.variables, DIALER_CALL_ID: r.callId, DIALER_AMD: r.amd ? '1' : '0' },
      });
    } catch (e) {
      this.calls.delete(r.callId);
      throw e;
    }
  }

  private async park(callId: string): Promise<void> {
    const channel = this.calls.get(callId)?.channel ?? callId;
    const client = this.live();
    await client.action({ action: 'Setvar', channel, variable: 'DIALER_AMD', value: '0' });
    await client.action({
      action: 'Redirect',
      channel,
      context: this.options.parkContext ?? 'dialer-ami-park',
      exten: 's',
      priority: 1,
    });
    this.playback.interrupted(callId);
  }

  /** Asterisk does not replay events to a new login: compare with CoreShowChannels. */
  private async reconcile(): Promise<void> {
    try {
      const live = new Set((await this.listCalls()).map((c) => c.callId));
      const lost = [...this.calls.keys()].filter((id) => !live.has(id));
      for (const id of lost) this.forget(id);
      if (lost.length > 0) this.emit({ type: 'calls-lost', callIds: lost, at: Date.now() });
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'AMI reconcile failed');
    }
  }

  private handle(e: AmiMessage): void {
    const name = (e['event'] ?? '').toLowerCase();
    if (name === 'userevent') return this.onUserEvent(e);
    const callId = e['uniqueid'] ?? '';
    const call = this.calls.get(callId);
    if (!call) return;
    if (e['channel'] && !call.channel) this.learnChannel(callId, call, e['channel']);
    const at = Date.now();
    switch (name) {
      case 'hanguprequest':
      case 'softhanguprequest':
        call.requestedCause = validCause(e['cause']) ?? call.requestedCause;
        return;
      case 'newstate':
        if (e['channelstatedesc'] === 'Ringing' && !call.ringing && !call.answered) {
          call.ringing = true;
          this.emit({ type: 'ringing', callId, at });
        } else if (e['channelstatedesc'] === 'Up') this.answered(callId, call);
        return;
      case 'dtmfend':
        if (e['direction'] === 'Received') this.emit({ type: 'dtmf', callId, digit: e['digit'] ?? '', at });
        return;
      case 'hangup':
        this.emit(hangupFromAmi(callId, e, call.answered, call.requestedCause));
        this.recorder.callEnded(callId);
        return this.forget(callId);
    }
  }

  private learnChannel(callId: string, call: CallState, channel: string): void {
    call.channel = channel;
    const cause = call.hangupPending;
    if (cause === undefined) return;
    delete call.hangupPending;
    this.live()
      .action({ action: 'Hangup', channel, cause })
      .catch((err: unknown) => this.logger.debug({ callId, err: String(err) }, 'late hangup'));
  }

  private onUserEvent(e: AmiMessage): void {
    const callId = e['callid'] ?? '';
    const call = this.calls.get(callId);
    if (!call) return;
    if (e['userevent'] === 'DialerParked') this.answered(callId, call);
    if (e['userevent'] === 'DialerPlayed') this.playback.onPlayed(callId, e['playback']);
    if (e['userevent'] === 'DialerAmd' && call.amd) {
      call.amd = false;
      this.emit({
        type: 'amd',
        callId,
        result: amdFromStatus(e['status']),
        detail: (e['cause'] ?? '').trim(),
        at: Date.now(),
      });
    }
  }

  private answered(callId: string, call: CallState): void {
    if (call.answered) return;
    call.answered = true;
    this.emit({ type: 'answered', callId, at: Date.now() });
  }

  private forget(callId: string): void {
    const call = this.calls.get(callId);
    if (call?.bridgeId) this.rooms.get(call.bridgeId)?.delete(callId);
    this.playback.forget(callId);
    this.calls.delete(callId);
  }

  private emit(event: PbxEvent): void {
    this.events.emit(event);
  }

  private later(ms: number, fn: () => void): void {
    this.session.later(ms, fn);
  }

  private live(): AmiClient {
    const client = this.session.current;
    if (!client) throw new PbxError('not-connected', 'AMI is not connected');
    return client;
  }

  private call(callId: string): CallState {
    assertCallId(callId);
    const call = this.calls.get(callId);
    if (!call) throw new PbxError('not-found', `call ${callId} is not live`);
    return call;
  }

  private room(bridgeId: string): Set<string> {
    const room = this.rooms.get(bridgeId);
    if (!room) throw new PbxError('not-found', `bridge ${bridgeId} does not exist`);
    return room;
  }
}
