import type { Clock } from '../ports/clock.js';

/** Waits for live calls to settle, up to a deadline that can be cut short (a hurried shutdown). */
export class Drain {
  private cutNow?: () => void;

  constructor(private readonly clock: Clock) {}

  /** Resolves when every call has settled, `ms` have passed, or cut() is called. */
  async wait(calls: Iterable<Promise<void>>, ms: number): Promise<void> {
    let timer: unknown;
    const deadline = new Promise((r) => {
      timer = this.clock.setTimeout(() => r(undefined), ms);
      this.cutNow = () => r(undefined);
    });
    await Promise.race([Promise.allSettled([...calls]), deadline]);
    this.clock.clearTimeout(timer);
    this.cutNow = undefined;
  }

  cut(): void {
    this.cutNow?.();
  }
}
