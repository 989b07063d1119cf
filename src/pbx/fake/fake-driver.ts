import { Readable } from 'node:stream';
import { copyToNewFile, RECORDING_FILE_MODE } from '../../files/private-file.js';
import { EventFanout } from '../event-fanout.js';
import { labSoundMs } from '../../lab/sounds.js';
import { outcomeFromQ850, Q850, q850FromSip } from '../../domain/call-outcome.js';
import {
  assertCallId,
  PbxError,
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
import { realClock, type FakeClock } from './fake-clock.js';
import { FAR_END_TIMING, farEndPlan, type FarEndPlan } from './fake-far-end.js';
import { FakeMedia, type MediaParty } from './fake-media.js';
import { FakePlayback } from './fake-playback.js';
import { RecentIds } from '../recent-ids.js';

export interface FakePbxOptions {
  /** Timers to run the far ends on; default real timers divided by `speed`. */
  clock?: FakeClock;
  /** With the default clock: 10 makes a 1 s ring take 100 ms. */
  speed?: number;
  /** How long each sound plays, in clock milliseconds [its length on the lab: labSoundMs]. */
  soundMs?: (media: string) => number;
}

interface FakeCall extends MediaParty {
  plan: FarEndPlan;
  request: OriginateRequest;
  ringing: boolean;
  answered: boolean;
  timers: Set<unknown>;
  /** Runs once answered (supervisor legs join the call they supervise). */
  onAnswer?: () => unknown;
}

/**
 * An in-memory PBX whose far ends follow the lab number plan (src/lab/number-plan.ts): dial
 * `lab/<number>` for customers, `agent/<n>` for softphones. It passes the same contract suite as
 * the real adapters, so the simulator and unit tests can trust it.
 */
export class FakePbxDriver implements PbxDriver {
  readonly kind = 'fake';
  readonly capabilities: ReadonlySet<PbxCapability> = new Set<PbxCapability>([
    'originate',
    'bridge',
    'record',
    'play',
    'snoop',
    'amd',
    'dtmf',
  ]);
  private readonly clock: FakeClock;
  private readonly calls = new Map<string, FakeCall>();
  private readonly used = new RecentIds();
  private readonly events = new EventFanout();
  private readonly media: FakeMedia;
  private readonly playback: FakePlayback;
  private connected = false;

  constructor(options: FakePbxOptions = {}) {
    this.clock = options.clock ?? realClock(options.speed ?? 1);
    this.media = new FakeMedia(
      this.clock,
      (e) => this.emit(e),
      (id) => this.calls.get(id),
    );
    this.playback = new FakePlayback(this.clock, (e) => this.emit(e), options.soundMs ?? labSoundMs);
  }

  connect(): Promise<void> {
    if (!this.connected) {
      this.connected = true;
      this.emit({ type: 'connection', state: 'up', at: this.clock.now() });
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.connected = false;
    for (const call of this.calls.values()) for (const t of call.timers) this.clock.clearTimeout(t);
    this.calls.clear();
    this.media.reset();
    this.playback.reset();
    this.events.clear();
    return Promise.resolve();
  }

  onEvent(listener: (event: PbxEvent) => void): () => void {
    return this.events.add(listener);
  }

  originate(request: OriginateRequest): Promise<void> {
    return this.sync(() => {
      this.requireConnected();
      assertCallId(request.callId);
      assertOriginateValues(request);
      if (this.used.has(request.callId))
        throw new PbxError('duplicate', `call id ${request.callId} was used`);
      const plan = farEndPlan(request.endpoint);
      this.used.add(request.callId);
      const party = plan.kind === 'answer' ? plan.party : 'customer';
      const call: FakeCall = {
        id: request.callId,
        party,
        up: false,
        plan,
        request,
        ringing: false,
        answered: false,
        timers: new Set(),
      };
      this.calls.set(call.id, call);
      this.schedule(call);
    });
  }

  hangup(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (call) this.end(call, Q850.NORMAL_CLEARING);
    return Promise.resolve();
  }

  createBridge(bridgeId: string): Promise<void> {
    return this.sync(() => {
      this.requireConnected();
      assertCallId(bridgeId);
      this.media.createBridge(bridgeId);
    });
  }

  addToBridge(bridgeId: string, callId: string): Promise<void> {
    return this.sync(() => this.media.addToBridge(bridgeId, callId));
  }

  removeFromBridge(bridgeId: string, callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (call?.bridgeId === bridgeId) this.media.leave(call);
    return Promise.resolve();
  }

  destroyBridge(bridgeId: string): Promise<void> {
    this.media.destroyBridge(bridgeId, (id) => this.calls.get(id));
    return Promise.resolve();
  }

  play(callId: string, media: string, options: PlayOptions = {}): Promise<string> {
    if (!this.calls.get(callId)?.up) {
      return Promise.reject(new PbxError('not-found', `call ${callId} is not answered`));
    }
    try {
      return Promise.resolve(this.playback.play(callId, media, options.playbackId));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  stopPlayback(callId: string): Promise<void> {
    this.playback.stop(callId);
    return Promise.resolve();
  }

  startRecording(request: RecordingRequest): Promise<void> {
    return this.sync(() => {
      assertCallId(request.name);
      this.media.startRecording(request);
    });
  }

  stopRecording(name: string): Promise<void> {
    this.media.finish(name);
    return Promise.resolve();
  }

  async fetchRecording(name: string, destination: string): Promise<{ bytes: number }> {
    const wav = this.media.storedFile(name);
    await copyToNewFile(Readable.from([wav]), destination, RECORDING_FILE_MODE);
    return { bytes: wav.length };
  }

  deleteRecording(name: string): Promise<void> {
    this.media.deleteStored(name);
    return Promise.resolve();
  }

  snoop(targetCallId: string, mode: SnoopMode, request: OriginateRequest): Promise<void> {
    const target = this.calls.get(targetCallId);
    if (!target) return Promise.reject(new PbxError('not-found', `call ${targetCallId} is not live`));
    const bridgeId = target.bridgeId;
    if (mode === 'barge' && !bridgeId) {
      return Promise.reject(new PbxError('rejected', `call ${targetCallId} is not in a bridge`));
    }
    return this.originate(request).then(() => {
      const sup = this.calls.get(request.callId);
      if (sup && mode === 'barge' && bridgeId) {
        // The bridge may be gone by the time the supervisor answers; then there is nothing to join.
        sup.onAnswer = () => this.sync(() => this.media.addToBridge(bridgeId, sup.id)).catch(() => undefined);
      }
    });
  }

  listCalls(): Promise<LiveCall[]> {
    return Promise.resolve(
      [...this.calls.values()].map((c) => ({
        callId: c.id,
        state: c.up ? ('up' as const) : c.ringing ? ('ringing' as const) : ('other' as const),
        bridgeId: c.bridgeId,
      })),
    );
  }

  health(): Promise<PbxHealth> {
    return Promise.resolve({
      ok: this.connected,
      latencyMs: 0,
      detail: this.connected ? 'fake PBX' : 'closed',
    });
  }

  /** Test hook: the far end of `callId` presses a key. */
  pressDigit(callId: string, digit: string): void {
    if (this.calls.get(callId)?.up) this.emit({ type: 'dtmf', callId, digit, at: this.clock.now() });
  }

  private schedule(call: FakeCall): void {
    const { plan } = call;
    const ring = () => {
      call.ringing = true;
      this.emit({ type: 'ringing', callId: call.id, at: this.clock.now() });
    };
    if (plan.kind === 'reject') {
      const cause = q850FromSip(plan.sipStatus);
      this.after(call, FAR_END_TIMING.rejectMs, () => this.end(call, cause, plan.sipStatus));
      return;
    }
    if (plan.kind === 'ring') {
      this.after(call, FAR_END_TIMING.ringingMs, ring);
      this.after(call, call.request.timeoutSec * 1000, () => this.end(call, Q850.NO_ANSWER));
      return;
    }
    if (plan.ringMs > 0) this.after(call, FAR_END_TIMING.ringingMs, ring);
    this.after(call, Math.max(plan.ringMs, FAR_END_TIMING.ringingMs + 1), () => this.answer(call, plan));
  }

  private answer(call: FakeCall, plan: Extract<FarEndPlan, { kind: 'answer' }>): void {
    call.up = true;
    call.answered = true;
    this.emit({ type: 'answered', callId: call.id, at: this.clock.now() });
    call.onAnswer?.();
    if (call.request.amd) {
      const machineMs = call.request.amdWaitForBeep
        ? FAR_END_TIMING.machineQuietMs
        : FAR_END_TIMING.amdMachineMs;
      const ms = plan.amd === 'machine' ? machineMs : FAR_END_TIMING.amdHumanMs;
      const detail = plan.amd === 'machine' ? 'LONGGREETING-1500-1500' : 'HUMAN-800-800';
      this.after(call, ms, () =>
        this.emit({ type: 'amd', callId: call.id, result: plan.amd, detail, at: this.clock.now() }),
      );
    }
    // As the lab carrier: keys first (keyPressMs apart), then TT seconds of talk.
    [...plan.keys].forEach((digit, i) =>
      this.after(call, FAR_END_TIMING.keyPressMs * (i + 1), () => this.pressDigit(call.id, digit)),
    );
    const talkFrom = FAR_END_TIMING.keyPressMs * plan.keys.length;
    if (plan.talkSec > 0) {
      this.after(call, talkFrom + plan.talkSec * 1000, () => this.end(call, Q850.NORMAL_CLEARING));
    }
  }

  private end(call: FakeCall, cause: number, sipStatus?: number): void {
    if (!this.calls.delete(call.id)) return;
    for (const t of call.timers) this.clock.clearTimeout(t);
    this.playback.drop(call.id);
    this.media.leave(call);
    this.media.finishWhere((t) => 'callId' in t && t.callId === call.id);
    this.emit({
      type: 'hangup',
      callId: call.id,
      outcome: outcomeFromQ850(cause, call.answered),
      cause,
      causeText: Object.entries(Q850).find(([, v]) => v === cause)?.[0] ?? String(cause),
      sipStatus,
      answered: call.answered,
      at: this.clock.now(),
    });
  }

  private after(call: FakeCall, ms: number, fn: () => void): void {
    const handle = this.clock.setTimeout(() => {
      call.timers.delete(handle);
      fn();
    }, ms);
    call.timers.add(handle);
  }

  private requireConnected(): void {
    if (!this.connected) throw new PbxError('not-connected', 'fake PBX is not connected');
  }

  /** Runs a synchronous step, turning its throw into a rejected promise like a real adapter. */
  private sync(fn: () => void): Promise<void> {
    try {
      fn();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private emit(e: PbxEvent): void {
    this.events.emit(e);
  }
}
