import { randomUUID } from 'node:crypto';
import { ReconnectingSession } from '../reconnecting-session.js';
import { EventFanout } from '../event-fanout.js';
import type { Logger } from '../../logger.js';
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
} from '../pbx-driver.js';
import { assertOriginateValues } from '../protocol-values.js';
import { EslClient, type EslEvent } from './esl-client.js';
import { FS_HANGUP_CAUSES, isNoSuchChannel, originateCommand, snoopVars } from './esl-commands.js';
import { EslAmd } from './esl-amd.js';
import { EslPlayback } from './esl-playback.js';
import { ESL_EVENTS, type EslDriverOptions } from './esl-options.js';
import { EslConferences } from './esl-conferences.js';
import { EslRecorder } from './esl-recordings.js';
import { hangupFromEvent, hangupFromJobError } from './esl-events.js';
import { RecentIds } from '../recent-ids.js';

interface CallState {
  amd: boolean;
  waitForBeep: boolean;
  answered: boolean;
  ringing: boolean;
  ended: boolean;
  /** hangup() came before FreeSWITCH created the channel (bgapi is queued): kill it when it shows. */
  hangupPending?: string;
}

/** A `-ERR` job whose channel never produced CHANNEL_HANGUP_COMPLETE is finished after this. */
const JOB_ERROR_GRACE_MS = 1_000;

/** FreeSWITCH over the inbound event socket (mod_event_socket), via modesl. */
export class EslDriver implements PbxDriver {
  readonly kind = 'esl';
  readonly capabilities: ReadonlySet<PbxCapability> = new Set([
    'originate',
    'bridge',
    'record',
    'play',
    'snoop',
    'amd',
    'dtmf',
  ]);
  private client: EslClient | undefined;
  private readonly calls = new Map<string, CallState>();
  private readonly used = new RecentIds();
  private readonly jobs = new Map<string, string>();
  private readonly conferences: EslConferences;
  private readonly recorder: EslRecorder;
  private readonly playback: EslPlayback;
  private readonly amd: EslAmd;
  private readonly events: EventFanout;
  private readonly session: ReconnectingSession<EslClient>;

  constructor(
    private readonly options: EslDriverOptions,
    private readonly logger: Logger,
  ) {
    this.events = new EventFanout((err, e) =>
      logger.error({ err: String(err), event: e.type }, 'PBX event listener threw'),
    );
    this.session = new ReconnectingSession<EslClient>({
      name: 'ESL',
      create: () => {
        const client = new EslClient({
          host: options.host,
          port: options.port,
          password: options.password,
          events: ESL_EVENTS,
          connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
          commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
          apiLanes: options.apiLanes ?? 4,
        });
        client.on('event', (e) => this.handle(e));
        return client;
      },
      minBackoffMs: 200,
      maxBackoffMs: options.maxBackoffMs ?? 10_000,
      logger,
      onDown: (detail: string) => this.emit({ type: 'connection', state: 'down', detail, at: Date.now() }),
      onReconnected: () => {
        this.emit({ type: 'connection', state: 'up', at: Date.now() });
        void this.reconcile();
      },
    });
    const api = (c: string): Promise<string> => this.live().api(c);
    this.conferences = new EslConferences(api, options.conferenceProfile ?? 'dialer', logger);
    this.amd = new EslAmd(
      { bgapi: (c) => this.live().bgapi(c), emit: (e) => this.emit(e), logger },
      options.amdEngine ?? 'mod_amd',
      {
        verdictTimeoutMs: options.amdVerdictTimeoutMs ?? 10_000,
        avmdWindowMs: options.avmdWindowMs ?? 8_000,
      },
    );
    this.playback = new EslPlayback(api, (e) => this.emit(e));
    this.recorder = new EslRecorder(
      { api, emit: (e) => this.emit(e), logger },
      options.recordingDir,
      options.localRecordingDir ?? options.recordingDir,
    );
  }

  async connect(): Promise<void> {
    await this.session.open();
    this.emit({ type: 'connection', state: 'up', at: Date.now() });
  }

  close(): Promise<void> {
    this.amd.clear();
    this.session.close();
    this.events.clear();
    return Promise.resolve();
  }

  onEvent(listener: (event: PbxEvent) => void): () => void {
    return this.events.add(listener);
  }

  async originate(r: OriginateRequest): Promise<void> {
    await this.start(r, '&park()');
  }

  async hangup(callId: string, reason: HangupReason = 'normal'): Promise<void> {
    assertCallId(callId);
    const cause = FS_HANGUP_CAUSES[reason];
    const reply = await this.live().api(`uuid_kill ${callId} ${cause}`);
    if (!reply.startsWith('-ERR')) return;
    if (!isNoSuchChannel(reply)) throw new PbxError('protocol', reply.trim());
    const call = this.calls.get(callId);
    if (call && !call.ended) call.hangupPending = cause;
  }

  createBridge(bridgeId: string): Promise<void> {
    this.conferences.create(bridgeId);
    return Promise.resolve();
  }

  async addToBridge(bridgeId: string, callId: string): Promise<void> {
    this.call(callId);
    await this.conferences.add(bridgeId, callId);
  }

  async removeFromBridge(bridgeId: string, callId: string): Promise<void> {
    this.call(callId);
    await this.conferences.remove(bridgeId, callId);
  }

  destroyBridge(bridgeId: string): Promise<void> {
    return this.conferences.destroy(bridgeId);
  }

  play(callId: string, media: string, options: PlayOptions = {}): Promise<string> {
    this.call(callId);
    return this.playback.play(callId, media, options.playbackId);
  }

  async stopPlayback(callId: string): Promise<void> {
    assertCallId(callId);
    if (this.calls.has(callId)) await this.playback.stop(callId);
  }

  startRecording(r: RecordingRequest): Promise<void> {
    if ('callId' in r.target) this.call(r.target.callId);
    else this.conferences.members(r.target.bridgeId);
    return this.recorder.start(r);
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

  /**
   * eavesdrop. Whisper (the agent alone hears the supervisor) eavesdrops the agent's one peer in
   * its bridge with `eavesdrop_whisper_aleg`: the supervisor is mixed into what that peer sends,
   * which only the agent hears; the supervisor hears both sides of the peer's leg. Measured on
   * FreeSWITCH 1.11.1: whisper_aleg on the agent itself reaches the customer, and whisper_bleg
   * alone on the agent reaches nobody in a conference. The whisper ends with that peer's call.
   */
  async snoop(targetCallId: string, mode: SnoopMode, request: OriginateRequest): Promise<void> {
    this.call(targetCallId);
    if (mode !== 'whisper') {
      await this.start(request, `&eavesdrop(${targetCallId})`, snoopVars(mode));
      return;
    }
    const room = this.conferences.roomOf(targetCallId);
    const peers = room ? [...this.conferences.members(room)].filter((c) => c !== targetCallId) : [];
    if (peers.length !== 1 || peers[0] === undefined) {
      throw new PbxError(
        'rejected',
        `whisper to ${targetCallId} needs it bridged with exactly one other call (it has ${peers.length})`,
      );
    }
    await this.start(request, `&eavesdrop(${peers[0]})`, snoopVars('whisper'));
  }

  /**
   * The calls this driver started and has not seen end, from its own state: FreeSWITCH's
   * `show channels` reads the core database, written asynchronously, so it lags the events by
   * up to ~100 ms both ways (a just-answered call still "ringing", a hung-up one still listed).
   */
  listCalls(): Promise<LiveCall[]> {
    this.live();
    const list: LiveCall[] = [];
    for (const [callId, c] of this.calls) {
      if (c.ended) continue;
      const bridgeId = this.conferences.roomOf(callId);
      const state = c.answered ? 'up' : c.ringing ? 'ringing' : 'other';
      list.push({ callId, state, ...(bridgeId ? { bridgeId } : {}) });
    }
    return Promise.resolve(list);
  }

  async health(): Promise<PbxHealth> {
    const started = Date.now();
    try {
      const body = await this.live().api('status');
      const ok = body.startsWith('UP');
      return { ok, latencyMs: Date.now() - started, detail: body.split('\n')[0] ?? '' };
    } catch (e) {
      return { ok: false, detail: e instanceof Error ? e.message : String(e) };
    }
  }

  private async start(r: OriginateRequest, app: string, extra: Record<string, string> = {}): Promise<void> {
    assertCallId(r.callId);
    assertOriginateValues(r);
    const client = this.live();
    if (this.used.has(r.callId)) throw new PbxError('duplicate', `call id ${r.callId} was already used`);
    const command = originateCommand(r, app, extra);
    this.used.add(r.callId);
    this.calls.set(r.callId, {
      amd: r.amd === true,
      waitForBeep: r.amdWaitForBeep === true,
      answered: false,
      ringing: false,
      ended: false,
    });
    // Registered before sending: a fast `-ERR` job can arrive in the same read as bgapi's reply.
    const jobId = randomUUID();
    this.jobs.set(jobId, r.callId);
    try {
      await client.bgapi(command, jobId);
    } catch (e) {
      this.jobs.delete(jobId);
      this.calls.delete(r.callId);
      throw e instanceof PbxError ? e : new PbxError('protocol', String(e), { cause: e });
    }
  }

  /**
   * Hangups that happened while we were away are lost (FreeSWITCH does not replay events): each
   * tracked call is asked for with `uuid_exists`, which reads the live session table (not the
   * lagging database behind `show channels`). A call whose originate is still queued is kept.
   */
  private async reconcile(): Promise<void> {
    try {
      const client = this.live();
      const pending = new Set(this.jobs.values());
      const lost: string[] = [];
      for (const id of [...this.calls.keys()]) {
        if (pending.has(id)) continue;
        if ((await client.api(`uuid_exists ${id}`)).trim() !== 'true') lost.push(id);
      }
      for (const id of lost) this.forget(id);
      if (lost.length > 0) this.emit({ type: 'calls-lost', callIds: lost, at: Date.now() });
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'ESL reconcile failed');
    }
  }

  private handle(e: EslEvent): void {
    if (e.name === 'BACKGROUND_JOB') return this.onJob(e);
    if (e.name === 'CUSTOM') {
      if (!this.amd.onCustom(e)) this.onCustom(e);
      return;
    }
    if (e.name === 'RECORD_START' || e.name === 'RECORD_STOP')
      return this.recorder.onPath(e.headers['Record-File-Path'] ?? '', e.name === 'RECORD_START');
    if (e.name === 'PLAYBACK_START' || e.name === 'PLAYBACK_STOP')
      return this.playback.onEvent(e.headers['Unique-ID'] ?? '', e);
    const callId = e.headers['Unique-ID'] ?? '';
    const call = this.calls.get(callId);
    if (!call || call.ended) return;
    if (call.hangupPending && e.name !== 'CHANNEL_HANGUP_COMPLETE') this.killLate(callId, call);
    const at = Date.now();
    switch (e.name) {
      case 'CHANNEL_PROGRESS':
      case 'CHANNEL_PROGRESS_MEDIA':
        if (call.ringing || call.answered) return;
        call.ringing = true;
        return this.emit({ type: 'ringing', callId, at });
      case 'CHANNEL_ANSWER':
        if (call.answered) return;
        call.answered = true;
        this.emit({ type: 'answered', callId, at });
        if (call.amd) this.amd.start(callId, call.waitForBeep);
        return;
      case 'CHANNEL_EXECUTE_COMPLETE':
        this.playback.onExecuteComplete(callId, e);
        return this.amd.onExecuteComplete(callId, e);
      case 'DTMF':
        return this.emit({ type: 'dtmf', callId, digit: e.headers['DTMF-Digit'] ?? '', at });
      case 'CHANNEL_HANGUP_COMPLETE':
        this.emit(hangupFromEvent(callId, e, call.answered));
        return this.forget(callId);
    }
  }

  private killLate(callId: string, call: CallState): void {
    const cause = call.hangupPending;
    delete call.hangupPending;
    this.live()
      .api(`uuid_kill ${callId} ${cause ?? 'NORMAL_CLEARING'}`)
      .catch((err: unknown) => this.logger.debug({ callId, err: String(err) }, 'late uuid_kill'));
  }

  private onJob(e: EslEvent): void {
    const jobId = e.headers['Job-UUID'] ?? '';
    const callId = this.jobs.get(jobId);
    if (!callId) return;
    this.jobs.delete(jobId);
    if (!e.body.startsWith('-ERR')) return;
    // The channel's own CHANNEL_HANGUP_COMPLETE (with the SIP status) normally arrives too.
    this.later(JOB_ERROR_GRACE_MS, () => {
      const call = this.calls.get(callId);
      if (!call || call.ended) return;
      this.emit(hangupFromJobError(callId, e.body));
      this.forget(callId);
    });
  }

  private onCustom(e: EslEvent): void {
    const subclass = e.headers['Event-Subclass'];
    if (subclass === 'conference::maintenance') {
      const action = e.headers['Action'];
      if (action === 'start-recording' || action === 'stop-recording') {
        this.recorder.onPath(e.headers['Path'] ?? '', action === 'start-recording', e.headers['Error']);
      }
    }
  }

  private forget(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    call.ended = true;
    this.amd.forget(callId);
    this.conferences.drop(callId);
    this.playback.forget(callId);
    this.calls.delete(callId);
  }

  private emit(event: PbxEvent): void {
    this.events.emit(event);
  }

  private later(ms: number, fn: () => void): void {
    this.session.later(ms, fn);
  }

  private live(): EslClient {
    const client = this.session.current;
    if (!client) throw new PbxError('not-connected', 'FreeSWITCH event socket is not connected');
    return client;
  }

  private call(callId: string): CallState {
    assertCallId(callId);
    const call = this.calls.get(callId);
    if (!call) throw new PbxError('not-found', `call ${callId} is not live`);
    return call;
  }
}
