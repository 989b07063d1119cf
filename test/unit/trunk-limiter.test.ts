import { describe, expect, it } from 'vitest';
import { TrunkLimiter } from '../../src/engine/trunk-limiter.js';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('TrunkLimiter', () => {
  it('never exceeds the channel limit, and a released slot can be reused', () => {
    const c = clock();
    const trunk = new TrunkLimiter('t', 2, 100, c.now);
    expect([trunk.tryAcquire(), trunk.tryAcquire(), trunk.tryAcquire()]).toEqual([true, true, false]);
    trunk.release();
    expect(trunk.tryAcquire()).toBe(true);
    expect(trunk.liveCalls).toBe(2);
  });

  it('spaces calls at the CPS rate after a one-second burst', () => {
    const c = clock();
    const trunk = new TrunkLimiter('t', 100, 2, c.now);
    expect([trunk.tryAcquire(), trunk.tryAcquire(), trunk.tryAcquire()]).toEqual([true, true, false]);
    c.advance(499);
    expect(trunk.tryAcquire()).toBe(false);
    c.advance(1);
    expect(trunk.tryAcquire()).toBe(true);
  });

  it('counts 1 CPS over ten seconds as ten calls at most', () => {
    const c = clock();
    const trunk = new TrunkLimiter('t', 100, 1, c.now);
    let started = 0;
    for (let ms = 0; ms < 10_000; ms += 50) {
      while (trunk.tryAcquire()) started += 1;
      c.advance(50);
    }
    expect(started).toBe(10);
  });

  it('reports what is available now', () => {
    const c = clock();
    const trunk = new TrunkLimiter('t', 3, 10, c.now);
    expect(trunk.available()).toBe(3);
    trunk.tryAcquire();
    expect(trunk.available()).toBe(2);
  });

  it('tells free channels from the per-second allowance (the doctor shows both)', () => {
    const c = clock();
    // Idle, 100 channels, 16 calls per second: 100 free, 16 may start this second.
    const trunk = new TrunkLimiter('t', 100, 16, c.now);
    expect([trunk.freeChannels(), trunk.available(), trunk.maxChannels]).toEqual([100, 16, 100]);
    for (let i = 0; i < 16; i += 1) trunk.tryAcquire();
    expect([trunk.freeChannels(), trunk.available()]).toEqual([84, 0]);
    c.advance(1_000);
    expect([trunk.freeChannels(), trunk.available()]).toEqual([84, 16]);
  });
});
