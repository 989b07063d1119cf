import { describe, expect, it } from 'vitest';
import { TimingPbx } from '../../bench/engine/timing-pbx.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import type { PbxEvent } from '../../src/pbx/pbx-driver.js';

/** The benchmark's timing wrapper on the fake PBX: it must see an answer before the engine does. */
describe('bench:engine TimingPbx', () => {
  it('stamps answer, bridge request and reply, hang-up; counts live calls; ignores agent legs', async () => {
    const fake = new FakePbxDriver({ speed: 20 });
    const pbx = new TimingPbx(fake, (id) => id.startsWith('c1-'));
    await pbx.connect();
    const seenByEngine: { type: string; answeredIn?: number }[] = [];
    const ended = new Promise<void>((resolve) => {
      // Subscribed after the wrapper, like the engine's router.
      pbx.onEvent((e: PbxEvent) => {
        if (!('callId' in e) || e.callId !== 'c1-l1-a1') return;
        seenByEngine.push({ type: e.type, answeredIn: pbx.calls.get(e.callId)?.answeredIn });
        if (e.type === 'answered') void pbx.addToBridge('b1', e.callId);
        if (e.type === 'hangup') resolve();
      });
    });
    await pbx.createBridge('b1');
    await pbx.originate({ callId: 'agent-1-x', endpoint: 'agent/1', timeoutSec: 5 });
    await pbx.originate({ callId: 'c1-l1-a1', endpoint: `lab/${labNumber(9, 1)}`, timeoutSec: 15 });
    expect(pbx.liveCalls).toBe(1);
    await ended;
    const t = pbx.calls.get('c1-l1-a1');
    expect(seenByEngine.find((e) => e.type === 'answered')?.answeredIn).toBeDefined();
    expect(t?.originateSent).toBeLessThanOrEqual(t?.originateDone ?? NaN);
    expect(t?.answeredIn).toBeLessThanOrEqual(t?.bridgeSent ?? NaN);
    expect(t?.bridgeSent).toBeLessThanOrEqual(t?.bridgeDone ?? NaN);
    expect(t?.bridgeDone).toBeLessThanOrEqual(t?.hangupIn ?? NaN);
    expect(t?.answered).toBe(true);
    expect(pbx.liveCalls).toBe(0);
    expect(pbx.peakLive).toBe(1);
    expect(pbx.calls.has('agent-1-x')).toBe(false);
    await pbx.close();
  });

  it('a refused originate is not left counted as live', async () => {
    const pbx = new TimingPbx(new FakePbxDriver({ speed: 20 }), () => true);
    await pbx.connect();
    await pbx.originate({ callId: 'c1-l2-a1', endpoint: `lab/${labNumber(1)}`, timeoutSec: 15 });
    await expect(
      pbx.originate({ callId: 'c1-l2-a1', endpoint: `lab/${labNumber(1)}`, timeoutSec: 15 }),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(pbx.liveCalls).toBe(0);
    await pbx.close();
  });
});
