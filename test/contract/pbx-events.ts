import type { PbxDriver, PbxEvent } from '../../src/pbx/pbx-driver.js';

type Matcher<T extends PbxEvent> = (e: PbxEvent) => e is T;

/**
 * Records every event of one driver so a test can wait for one that may already have arrived
 * (events often race the promise of the request that caused them).
 */
export class EventLog {
  readonly events: PbxEvent[] = [];
  private readonly waiters = new Set<{ match: (e: PbxEvent) => boolean; resolve: (e: PbxEvent) => void }>();
  private readonly stop: () => void;

  constructor(driver: PbxDriver) {
    this.stop = driver.onEvent((e) => {
      this.events.push(e);
      for (const w of this.waiters) {
        if (w.match(e)) {
          this.waiters.delete(w);
          w.resolve(e);
        }
      }
    });
  }

  /** Resolves with the first event (past or future) matching; rejects after `timeoutMs`. */
  waitFor<T extends PbxEvent>(match: Matcher<T>, timeoutMs: number, what: string): Promise<T> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (e: PbxEvent) => {
          clearTimeout(timer);
          resolve(e as T);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Events of one call, in arrival order. */
  forCall(callId: string): PbxEvent[] {
    return this.events.filter((e) => 'callId' in e && e.callId === callId);
  }

  close(): void {
    this.stop();
  }
}

export type EventOf<K extends PbxEvent['type']> = Extract<PbxEvent, { type: K }>;

/** A matcher for an event of `type` about `callId`. */
export function callEvent<K extends PbxEvent['type']>(
  type: K,
  callId: string,
): (e: PbxEvent) => e is EventOf<K> {
  return (e): e is EventOf<K> => e.type === type && 'callId' in e && e.callId === callId;
}

/** A matcher for a recording event of `type` for recording `name`. */
export function recordingEvent<K extends 'recording-started' | 'recording-finished' | 'recording-failed'>(
  type: K,
  name: string,
): (e: PbxEvent) => e is EventOf<K> {
  return (e): e is EventOf<K> => e.type === type && 'name' in e && e.name === name;
}
