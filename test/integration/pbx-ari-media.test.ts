import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { labNumber } from '../../src/lab/number-plan.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import { callEvent, EventLog, recordingEvent } from '../contract/pbx-events.js';
import { labSettings } from '../support/lab.js';
import { peakToneShare, wavPcm } from '../support/tones.js';

const T = 15_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const run = `${process.pid}-${Date.now().toString(36)}`;

/** ARI on the lab: what the contract cannot see — the audio in a recording, and event latency. */
describe('ARI driver on the lab: recording audio and latency', () => {
  let driver: AriDriver;
  let log: EventLog;
  let dir: string;
  let seq = 0;
  const calls = new Set<string>();
  const bridges = new Set<string>();

  beforeAll(async () => {
    driver = new AriDriver(
      { ...labSettings().ari, app: `dialer-test-media-${run}` },
      pino({ level: 'silent' }),
    );
    await driver.connect();
    log = new EventLog(driver);
    dir = await mkdtemp(join(tmpdir(), 'ari-media-'));
  });
  afterEach(async () => {
    await Promise.allSettled([...calls].map((c) => driver.hangup(c)));
    await Promise.allSettled([...bridges].map((b) => driver.destroyBridge(b)));
    calls.clear();
    bridges.clear();
  });
  afterAll(async () => {
    log.close();
    await driver.close();
    await rm(dir, { recursive: true, force: true });
  });

  const id = (label: string, set = calls): string => {
    const v = `med-${run}-${++seq}-${label}`;
    set.add(v);
    return v;
  };

  it('a bridge recording holds both parties: 440 Hz customer and 1 kHz agent, no 2.5 kHz', async () => {
    const customer = id('cust');
    const agent = id('agent');
    await driver.originate({
      callId: customer,
      endpoint: `PJSIP/${labNumber(9)}@lab-carrier`,
      timeoutSec: 20,
    });
    await driver.originate({ callId: agent, endpoint: 'PJSIP/agent6', timeoutSec: 20 });
    await log.waitFor(callEvent('answered', customer), T, 'customer answer');
    await log.waitFor(callEvent('answered', agent), T, 'agent answer');
    const bridgeId = id('bridge', bridges);
    await driver.createBridge(bridgeId);
    await driver.addToBridge(bridgeId, customer);
    await driver.addToBridge(bridgeId, agent);
    const name = `med-${run}-tones`;
    await driver.startRecording({ name, target: { bridgeId } });
    await sleep(4_000);
    await driver.stopRecording(name);
    await log.waitFor(recordingEvent('recording-finished', name), T, 'recording-finished');
    const file = join(dir, 'tones.wav');
    await driver.fetchRecording(name, file);
    await driver.deleteRecording(name);
    const { rate, samples } = wavPcm(await readFile(file));
    const share = (f: number) => peakToneShare(samples, rate, f);
    const shares = { hz440: share(440), hz1000: share(1_000), hz2500: share(2_500) };
    console.log('recording tone shares (peak over 100 ms blocks)', rate, samples.length, shares);
    expect(rate).toBe(8_000);
    expect(shares.hz440).toBeGreaterThan(0.2);
    expect(shares.hz1000).toBeGreaterThan(0.2);
    expect(shares.hz2500).toBeLessThan(0.05);
  });

  it('latency over 20 calls: originate → answered (B=9) and answered → in bridge', async () => {
    const toAnswer: number[] = [];
    const toBridge: number[] = [];
    for (let i = 0; i < 20; i++) {
      const callId = id(`lat${i}`);
      const bridgeId = id(`latb${i}`, bridges);
      await driver.createBridge(bridgeId);
      const sent = Date.now();
      await driver.originate({
        callId,
        endpoint: `PJSIP/${labNumber(9, 0, i % 10)}@lab-carrier`,
        timeoutSec: 20,
      });
      const answered = await log.waitFor(callEvent('answered', callId), T, 'answer');
      await driver.addToBridge(bridgeId, callId);
      toBridge.push(Date.now() - answered.at);
      toAnswer.push(answered.at - sent);
      expect((await driver.listCalls()).find((c) => c.callId === callId)?.bridgeId).toBe(bridgeId);
      await driver.hangup(callId);
      await driver.destroyBridge(bridgeId);
      await log.waitFor(callEvent('hangup', callId), T, 'hangup');
    }
    console.log('latency ms originate→answered', stats(toAnswer), toAnswer.join(','));
    console.log('latency ms answered→bridged', stats(toBridge), toBridge.join(','));
    expect(toAnswer).toHaveLength(20);
  });
});

function stats(values: number[]): { p50: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)] ?? NaN, max: sorted.at(-1) ?? NaN, n: sorted.length };
}
