import type { PbxEvent } from './pbx-driver.js';

/**
 * The listeners of one driver. A listener that throws is reported and skipped, so one bug does
 * not stop the PBX from telling the others.
 */
export class EventFanout {
  private readonly listeners = new Set<(e: PbxEvent) => void>();

  constructor(private readonly onListenerError: (err: unknown, event: PbxEvent) => void = () => undefined) {}

  add(listener: (e: PbxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: PbxEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}
