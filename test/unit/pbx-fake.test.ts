import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labNumber } from '../../src/lab/number-plan.js';
import { FakePbxDriver, ManualClock } from '../../src/pbx/fake/index.js';
import type { PbxEvent } from '../../src/pbx/pbx-driver.js';
import { peakToneShare, wavPcm } from '../support/tones.js';

/** Fake-only behaviour: the manual clock, and recordings that carry each party's tone. */
describe('FakePbxDriver with a manual clock', () => {
  const clock = new ManualClock(1_000);
  let pbx: FakePbxDriver;
  const events: PbxEvent[] = [];
  let dir = '';

  const start = async () => {
    pbx = new FakePbxDriver({ clock });
    pbx.onEvent((e) => events.push(e));
    await pbx.connect();
  };

  afterEach(async () => {
    await pbx.close();
    events.length = 0;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('moves only when the clock advances, with lab-plan timing', async () => {
    await start();
    await pbx.originate({ callId: 'a', endpoint: `lab/${labNumber(0, 3)}`, timeoutSec: 20, amd: true });
    expect(events.filter((e) => e.type !== 'connection')).toEqual([]);
    clock.advance(999);
    expect(events.map((e) => e.type)).toEqual(['connection', 'ringing']);
    clock.advance(1);
    expect(events.at(-1)).toMatchObject({ type: 'answered', callId: 'a', at: 2_000 });
    clock.advance(1_600);
    expect(events.at(-1)).toMatchObject({ type: 'amd', result: 'human' });
    clock.advance(1_400);
    expect(events.at(-1)).toMatchObject({ type: 'hangup', callId: 'a', outcome: 'answered', at: 5_000 });
    expect(clock.pending).toBe(0);
  });

  it('a bridge recording holds the customer (440 Hz) and the agent (1 kHz), not 2.5 kHz', async () => {
    await start();
    await pbx.originate({ callId: 'c', endpoint: `lab/${labNumber(9)}`, timeoutSec: 20 });
    await pbx.originate({ callId: 'g', endpoint: 'agent/1', timeoutSec: 20 });
    clock.advance(100);
    await pbx.createBridge('b');
    await pbx.addToBridge('b', 'c');
    await pbx.addToBridge('b', 'g');
    await pbx.startRecording({ name: 'r', target: { bridgeId: 'b' } });
    clock.advance(2_000);
    await pbx.destroyBridge('b');
    expect(events.at(-1)).toMatchObject({ type: 'recording-finished', name: 'r', durationSec: 2 });
    dir = await mkdtemp(join(tmpdir(), 'fake-rec-'));
    await pbx.fetchRecording('r', join(dir, 'r.wav'));
    const { rate, samples } = wavPcm(await readFile(join(dir, 'r.wav')));
    expect(peakToneShare(samples, rate, 440)).toBeGreaterThan(0.2);
    expect(peakToneShare(samples, rate, 1_000)).toBeGreaterThan(0.2);
    expect(peakToneShare(samples, rate, 2_500)).toBeLessThan(0.05);
  });
});
