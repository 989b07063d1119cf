import { PbxError, type PbxEvent, type RecordingRequest } from '../pbx-driver.js';
import type { FakeClock } from './fake-clock.js';
import { synthWav } from './fake-wav.js';

/** What the media side needs to know about a call. */
export interface MediaParty {
  id: string;
  party: 'customer' | 'agent';
  up: boolean;
  bridgeId?: string;
}

interface LiveRecording {
  target: RecordingRequest['target'];
  startedAt: number;
  frequencies: Set<number>;
  maxTimer?: unknown;
}

const TONE = { customer: 440, agent: 1_000 } as const;

/** Bridges and recordings of the fake PBX; recordings become synthetic WAVs in memory. */
export class FakeMedia {
  private readonly bridges = new Map<string, Set<string>>();
  private readonly live = new Map<string, LiveRecording>();
  private readonly stored = new Map<string, Buffer>();

  constructor(
    private readonly clock: FakeClock,
    private readonly emit: (e: PbxEvent) => void,
    private readonly party: (callId: string) => MediaParty | undefined,
  ) {}

  createBridge(bridgeId: string): void {
    if (this.bridges.has(bridgeId)) throw new PbxError('duplicate', `bridge ${bridgeId} exists`);
    this.bridges.set(bridgeId, new Set());
  }

  addToBridge(bridgeId: string, callId: string): void {
    const members = this.bridges.get(bridgeId);
    if (!members) throw new PbxError('not-found', `bridge ${bridgeId} does not exist`);
    const call = this.party(callId);
    if (!call) throw new PbxError('not-found', `call ${callId} is not live`);
    if (!call.up) throw new PbxError('rejected', `call ${callId} is not answered`);
    if (call.bridgeId) this.leave(call);
    members.add(callId);
    call.bridgeId = bridgeId;
    this.hearInRecordings(bridgeId, call);
  }

  /** Takes a call out of its bridge (also when it hangs up). */
  leave(call: MediaParty): void {
    if (call.bridgeId) this.bridges.get(call.bridgeId)?.delete(call.id);
    call.bridgeId = undefined;
  }

  destroyBridge(bridgeId: string, members: (id: string) => MediaParty | undefined): void {
    const set = this.bridges.get(bridgeId);
    if (!set) return;
    for (const id of set) {
      const call = members(id);
      if (call) call.bridgeId = undefined;
    }
    this.bridges.delete(bridgeId);
    this.finishWhere((t) => 'bridgeId' in t && t.bridgeId === bridgeId);
  }

  startRecording(r: RecordingRequest): void {
    if (this.live.has(r.name) || this.stored.has(r.name)) {
      throw new PbxError('duplicate', `recording ${r.name} exists`);
    }
    const frequencies = new Set<number>();
    if ('bridgeId' in r.target) {
      const members = this.bridges.get(r.target.bridgeId);
      if (!members) throw new PbxError('not-found', `bridge ${r.target.bridgeId} does not exist`);
      for (const id of members) {
        const p = this.party(id);
        if (p) frequencies.add(TONE[p.party]);
      }
    } else {
      const call = this.party(r.target.callId);
      if (!call?.up) throw new PbxError('not-found', `call ${r.target.callId} is not live and answered`);
      frequencies.add(TONE[call.party]);
      // A call recording holds what the call hears too: everyone already in its bridge.
      for (const id of call.bridgeId ? (this.bridges.get(call.bridgeId) ?? []) : []) {
        const p = this.party(id);
        if (p) frequencies.add(TONE[p.party]);
      }
    }
    const rec: LiveRecording = { target: r.target, startedAt: this.clock.now(), frequencies };
    if (r.maxDurationSec) {
      rec.maxTimer = this.clock.setTimeout(() => this.finish(r.name), r.maxDurationSec * 1000);
    }
    this.live.set(r.name, rec);
    this.clock.setTimeout(
      () => this.emit({ type: 'recording-started', name: r.name, at: this.clock.now() }),
      0,
    );
  }

  /** Finishes live recordings whose target matches (a bridge destroyed, a call ended). */
  finishWhere(match: (target: RecordingRequest['target']) => boolean): void {
    for (const [name, rec] of this.live) if (match(rec.target)) this.finish(name);
  }

  finish(name: string): void {
    const rec = this.live.get(name);
    if (!rec) return;
    this.live.delete(name);
    if (rec.maxTimer !== undefined) this.clock.clearTimeout(rec.maxTimer);
    const durationSec = (this.clock.now() - rec.startedAt) / 1000;
    this.stored.set(name, synthWav(durationSec, [...rec.frequencies]));
    this.emit({ type: 'recording-finished', name, durationSec, at: this.clock.now() });
  }

  storedFile(name: string): Buffer {
    const wav = this.stored.get(name);
    if (!wav) throw new PbxError('not-found', `recording ${name} is not stored`);
    return wav;
  }

  deleteStored(name: string): void {
    this.stored.delete(name);
  }

  /** Drops everything (close()); live recordings are abandoned, as a PBX restart would. */
  reset(): void {
    for (const rec of this.live.values())
      if (rec.maxTimer !== undefined) this.clock.clearTimeout(rec.maxTimer);
    this.live.clear();
    this.bridges.clear();
  }

  /** A call joining a bridge is heard by the bridge's recordings and its members' call recordings. */
  private hearInRecordings(bridgeId: string, call: MediaParty): void {
    const members = this.bridges.get(bridgeId) ?? new Set<string>();
    for (const rec of this.live.values()) {
      const target = rec.target;
      const hears = 'bridgeId' in target ? target.bridgeId === bridgeId : members.has(target.callId);
      if (!hears) continue;
      rec.frequencies.add(TONE[call.party]);
      // …and a call recording of the joining call hears those already there.
      if ('callId' in target && target.callId === call.id) {
        for (const id of members) {
          const p = this.party(id);
          if (p) rec.frequencies.add(TONE[p.party]);
        }
      }
    }
  }
}
