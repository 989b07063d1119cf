import { describe, expect, it } from 'vitest';
import { KeyedLock, Waiters } from '../../src/engine/keyed-lock.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('KeyedLock', () => {
  it('runs actions on one key one after another, in order, and keys side by side', async () => {
    const lock = new KeyedLock<number>();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}+`);
      await tick(ms);
      log.push(`${name}-`);
      return name;
    };
    const results = await Promise.all([
      lock.run(1, step('a', 20)),
      lock.run(1, step('b', 1)),
      lock.run(2, step('x', 5)),
    ]);
    expect(results).toEqual(['a', 'b', 'x']);
    // b waits for a; x (another key) does not.
    expect(log.indexOf('b+')).toBeGreaterThan(log.indexOf('a-'));
    expect(log.indexOf('x+')).toBeLessThan(log.indexOf('a-'));
  });

  it('a failed action does not block the next one, and the key is free afterwards', async () => {
    const lock = new KeyedLock<string>();
    const failed = lock.run('k', () => Promise.reject(new Error('boom')));
    const next = lock.run('k', () => Promise.resolve('ok'));
    expect(lock.busy('k')).toBe(true);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    await tick();
    expect(lock.busy('k')).toBe(false);
  });
});

describe('Waiters', () => {
  it('wakes a waiter early, and lets another time out', async () => {
    const w = new Waiters<number>();
    const early = w.wait(1, 60_000).then(() => 'woken');
    const late = w.wait(2, 20).then(() => 'timed out');
    w.wake(1);
    w.wake(3); // nobody waits for 3: nothing happens
    expect(await Promise.race([early, tick(1_000).then(() => 'still waiting')])).toBe('woken');
    expect(await late).toBe('timed out');
  });
});
