import type {
  HangupReason,
  LiveCall,
  OriginateRequest,
  PbxCapability,
  PbxDriver,
  PbxEvent,
  PbxHealth,
  PlayOptions,
  RecordingRequest,
  SnoopMode,
} from '../../src/pbx/pbx-driver.js';
import { hiResNow } from './clock.js';

/** What the benchmark saw of one customer call at the engine's boundary with the PBX (epoch ms). */
export interface CallTimes {
  originateSent?: number;
  originateDone?: number;
  /** When the driver handed the `answered` event to its listeners (this one is the first). */
  answeredIn?: number;
  /** When the engine asked the PBX to put the customer into the agent's bridge. */
  bridgeSent?: number;
  bridgeDone?: number;
  hangupIn?: number;
  answered?: boolean;
}

/**
 * A PbxDriver that passes everything to the real one and writes down when each customer call
 * crossed the boundary: the engine's own share of answer → bridge is `bridgeSent − answeredIn`
 * with no hook inside the engine. It subscribes to the inner driver before the engine does, so
 * its `answeredIn` is taken before the engine sees the event.
 */
export class TimingPbx implements PbxDriver {
  readonly kind: string;
  readonly capabilities: ReadonlySet<PbxCapability>;
  readonly calls = new Map<string, CallTimes>();
  private live = 0;
  peakLive = 0;

  constructor(
    private readonly inner: PbxDriver,
    /** Which call ids are customers (agent legs and snoops are left out). */
    private readonly isCustomer: (callId: string) => boolean,
  ) {
    this.kind = inner.kind;
    this.capabilities = inner.capabilities;
    inner.onEvent((e) => this.observe(e));
  }

  get liveCalls(): number {
    return this.live;
  }

  private times(callId: string): CallTimes {
    let t = this.calls.get(callId);
    if (!t) {
      t = {};
      this.calls.set(callId, t);
    }
    return t;
  }

  private observe(e: PbxEvent): void {
    if (!('callId' in e) || !this.isCustomer(e.callId)) return;
    const now = hiResNow();
    if (e.type === 'answered') this.times(e.callId).answeredIn ??= now;
    if (e.type === 'hangup') {
      const t = this.times(e.callId);
      if (t.hangupIn === undefined && t.originateSent !== undefined) this.live -= 1;
      t.hangupIn ??= now;
      t.answered = e.answered;
    }
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  onEvent(listener: (event: PbxEvent) => void): () => void {
    return this.inner.onEvent(listener);
  }

  async originate(r: OriginateRequest): Promise<void> {
    // A second originate of an id already seen (the driver refuses it) is not a new call.
    if (!this.isCustomer(r.callId) || this.calls.get(r.callId)?.originateSent !== undefined)
      return this.inner.originate(r);
    const t = this.times(r.callId);
    t.originateSent = hiResNow();
    this.live += 1;
    this.peakLive = Math.max(this.peakLive, this.live);
    try {
      await this.inner.originate(r);
    } catch (err) {
      this.live -= 1;
      t.hangupIn = hiResNow();
      throw err;
    }
    t.originateDone = hiResNow();
  }

  hangup(callId: string, reason?: HangupReason): Promise<void> {
    return this.inner.hangup(callId, reason);
  }
  createBridge(bridgeId: string): Promise<void> {
    return this.inner.createBridge(bridgeId);
  }

  async addToBridge(bridgeId: string, callId: string): Promise<void> {
    if (!this.isCustomer(callId)) return this.inner.addToBridge(bridgeId, callId);
    const t = this.times(callId);
    t.bridgeSent = hiResNow();
    await this.inner.addToBridge(bridgeId, callId);
    t.bridgeDone = hiResNow();
  }

  removeFromBridge(bridgeId: string, callId: string): Promise<void> {
    return this.inner.removeFromBridge(bridgeId, callId);
  }
  destroyBridge(bridgeId: string): Promise<void> {
    return this.inner.destroyBridge(bridgeId);
  }
  play(callId: string, media: string, options?: PlayOptions): Promise<string> {
    return this.inner.play(callId, media, options);
  }
  stopPlayback(callId: string): Promise<void> {
    return this.inner.stopPlayback(callId);
  }
  startRecording(request: RecordingRequest): Promise<void> {
    return this.inner.startRecording(request);
  }
  stopRecording(name: string): Promise<void> {
    return this.inner.stopRecording(name);
  }
  fetchRecording(name: string, destination: string): Promise<{ bytes: number }> {
    return this.inner.fetchRecording(name, destination);
  }
  deleteRecording(name: string): Promise<void> {
    return this.inner.deleteRecording(name);
  }
  snoop(targetCallId: string, mode: SnoopMode, request: OriginateRequest): Promise<void> {
    return this.inner.snoop(targetCallId, mode, request);
  }
  listCalls(): Promise<LiveCall[]> {
    return this.inner.listCalls();
  }
  health(): Promise<PbxHealth> {
    return this.inner.health();
  }
}
