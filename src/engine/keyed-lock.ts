import type { Clock } from '../ports/clock.js';

const realTimers = {
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Runs actions one after another per key (here: per agent), so two actions on one agent's offer
 * never interleave; actions on different keys run side by side.
 */
export class KeyedLock<K> {
  private readonly tails = new Map<K, Promise<unknown>>();

  /** Runs `fn` once every earlier action on `key` has finished (whether it failed or not). */
  run<T>(key: K, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Whether an action on `key` is running or queued. */
  busy(key: K): boolean {
    return this.tails.has(key);
  }
}

/** Callers waiting for something to happen to a key (a long poll), woken early by `wake`. */
export class Waiters<K> {
  private readonly waiting = new Map<K, Set<() => void>>();

  constructor(private readonly clock: Pick<Clock, 'setTimeout' | 'clearTimeout'> = realTimers) {}

  /** Resolves when `wake(key)` is called or after `ms`, whichever comes first. */
  wait(key: K, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(key) ?? new Set<() => void>();
      this.waiting.set(key, set);
      const done = () => {
        this.clock.clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
        resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      set.add(done);
    });
  }

  wake(key: K): void {
    for (const w of [...(this.waiting.get(key) ?? [])]) w();
  }

  wakeAll(): void {
    for (const key of [...this.waiting.keys()]) this.wake(key);
  }
}
