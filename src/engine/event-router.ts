import type { PbxDriver, PbxEvent } from '../pbx/pbx-driver.js';

type CallEvent = Extract<PbxEvent, { callId: string }>;
type RecordingEvent = Extract<PbxEvent, { name: string }>;
type OtherEvent = Exclude<PbxEvent, CallEvent | RecordingEvent>;

/**
 * Routes a driver's events to whoever owns the call or recording, so no handler scans every
 * event and no per-channel listener is left behind: handlers are removed by the returned
 * function or when the call's hang-up has been delivered.
 */
export class EventRouter {
  private readonly calls = new Map<string, (e: CallEvent) => void>();
  private readonly recordings = new Map<string, (e: RecordingEvent) => void>();
  private readonly others = new Set<(e: OtherEvent) => void>();
  private readonly unsubscribe: () => void;

  constructor(pbx: PbxDriver) {
    this.unsubscribe = pbx.onEvent((e) => this.dispatch(e));
  }

  onCall(callId: string, handler: (e: CallEvent) => void): () => void {
    this.calls.set(callId, handler);
    return () => {
      if (this.calls.get(callId) === handler) this.calls.delete(callId);
    };
  }

  onRecording(name: string, handler: (e: RecordingEvent) => void): () => void {
    this.recordings.set(name, handler);
    return () => {
      if (this.recordings.get(name) === handler) this.recordings.delete(name);
    };
  }

  onOther(handler: (e: OtherEvent) => void): () => void {
    this.others.add(handler);
    return () => this.others.delete(handler);
  }

  /** Handlers held: per call, per recording, and for other events. */
  get size(): { calls: number; recordings: number; others: number } {
    return { calls: this.calls.size, recordings: this.recordings.size, others: this.others.size };
  }

  close(): void {
    this.unsubscribe();
    this.calls.clear();
    this.recordings.clear();
    this.others.clear();
  }

  private dispatch(e: PbxEvent): void {
    if ('callId' in e) {
      const handler = this.calls.get(e.callId);
      if (e.type === 'hangup') this.calls.delete(e.callId);
      handler?.(e);
      return;
    }
    if ('name' in e) {
      const handler = this.recordings.get(e.name);
      if (e.type !== 'recording-started') this.recordings.delete(e.name);
      handler?.(e);
      return;
    }
    if (e.type === 'calls-lost') {
      for (const id of e.callIds) {
        const handler = this.calls.get(id);
        this.calls.delete(id);
        handler?.({
          type: 'hangup',
          callId: id,
          at: e.at,
          outcome: 'failed',
          cause: 0,
          causeText: 'lost',
          answered: false,
        });
      }
    }
    for (const h of this.others) h(e);
  }
}

export type { CallEvent, RecordingEvent };
