import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labNumber } from '../../src/lab/number-plan.js';
import type { PbxEvent } from '../../src/pbx/pbx-driver.js';
import { EslDriver } from '../../src/pbx/freeswitch/esl-driver.js';
import { EslWireServer } from '../support/esl-wire-server.js';

const dial = (n: string): string => `sofia/gateway/lab-carrier/${n}`;

describe('EslDriver against the ESL wire server', () => {
  let server: EslWireServer;
  let driver: EslDriver;
  let dir: string;
  const events: PbxEvent[] = [];

  beforeEach(async () => {
    events.length = 0;
    dir = await mkdtemp(join(tmpdir(), 'esl-rec-'));
    server = new EslWireServer({ timeScale: 0.05 });
    const port = await server.listen();
    driver = new EslDriver(
      { host: '127.0.0.1', port, password: server.password, recordingDir: dir, maxBackoffMs: 200 },
      pino({ level: 'silent' }),
    );
    driver.onEvent((e) => events.push(e));
    await driver.connect();
  });

  afterEach(async () => {
    await driver.close();
    await driver.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const waitFor = async (pred: (e: PbxEvent) => boolean): Promise<PbxEvent> => {
    await expect.poll(() => events.find(pred), { timeout: 5000, interval: 10 }).toBeDefined();
    const found = events.find(pred);
    if (!found) throw new Error('unreachable');
    return found;
  };

  it('rejects a wrong password', async () => {
    const bad = new EslDriver(
      {
        host: '127.0.0.1',
        port: (await server.listen().catch(() => 0)) || 1,
        password: 'x',
        recordingDir: dir,
      },
      pino({ level: 'silent' }),
    );
    await expect(bad.connect()).rejects.toMatchObject({ name: 'PbxError' });
    await bad.close();
  });

  it('reports busy from CHANNEL_HANGUP_COMPLETE with the SIP status', async () => {
    await driver.originate({ callId: 'esl-busy-1', endpoint: dial(labNumber(1)), timeoutSec: 5 });
    const h = await waitFor((e) => e.type === 'hangup');
    expect(h).toMatchObject({
      callId: 'esl-busy-1',
      outcome: 'busy',
      cause: 17,
      sipStatus: 486,
      answered: false,
    });
  });

  it('rings, answers, detects a machine and hangs up', async () => {
    await driver.originate({ callId: 'esl-m-1', endpoint: dial(labNumber(5)), timeoutSec: 5, amd: true });
    await waitFor((e) => e.type === 'ringing');
    await waitFor((e) => e.type === 'answered');
    expect(await waitFor((e) => e.type === 'amd')).toMatchObject({ result: 'machine' });
    await driver.hangup('esl-m-1');
    expect(await waitFor((e) => e.type === 'hangup')).toMatchObject({ outcome: 'answered', answered: true });
    await driver.hangup('esl-m-1');
  });

  it('refuses a duplicate call id', async () => {
    await driver.originate({ callId: 'esl-dup', endpoint: dial(labNumber(4)), timeoutSec: 5 });
    await expect(
      driver.originate({ callId: 'esl-dup', endpoint: dial(labNumber(4)), timeoutSec: 5 }),
    ).rejects.toMatchObject({ code: 'duplicate' });
    expect(await waitFor((e) => e.type === 'hangup')).toMatchObject({ outcome: 'invalid-number' });
  });

  it('bridges two calls in a conference and records it to a real WAV', async () => {
    await driver.originate({ callId: 'esl-c', endpoint: dial(labNumber(9)), timeoutSec: 5 });
    await driver.originate({ callId: 'esl-a', endpoint: 'user/agent1', timeoutSec: 5 });
    await waitFor((e) => e.type === 'answered' && e.callId === 'esl-c');
    await waitFor((e) => e.type === 'answered' && e.callId === 'esl-a');
    await driver.createBridge('br-1');
    await driver.addToBridge('br-1', 'esl-a');
    await driver.addToBridge('br-1', 'esl-c');
    expect((await driver.listCalls()).find((c) => c.callId === 'esl-c')).toMatchObject({
      state: 'up',
      bridgeId: 'br-1',
    });
    await driver.startRecording({ name: 'rec-br-1', target: { bridgeId: 'br-1' } });
    await waitFor((e) => e.type === 'recording-started');
    await driver.stopRecording('rec-br-1');
    await waitFor((e) => e.type === 'recording-finished');
    const dest = join(dir, 'copy.wav');
    const { bytes } = await driver.fetchRecording('rec-br-1', dest);
    expect(bytes).toBeGreaterThan(44);
    expect((await readFile(dest)).subarray(0, 4).toString()).toBe('RIFF');
    await driver.destroyBridge('br-1');
    expect((await driver.listCalls()).map((c) => c.callId).sort()).toEqual(['esl-a', 'esl-c']);
    await driver.hangup('esl-a');
    await driver.hangup('esl-c');
    await driver.deleteRecording('rec-br-1');
    await expect(driver.fetchRecording('rec-br-1', dest)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('reports calls lost across a reconnect', async () => {
    await driver.originate({ callId: 'esl-lost', endpoint: dial(labNumber(9)), timeoutSec: 5 });
    await waitFor((e) => e.type === 'answered');
    server.sim.shutdown();
    server.dropConnections();
    await waitFor((e) => e.type === 'connection' && e.state === 'down');
    expect(await waitFor((e) => e.type === 'calls-lost')).toMatchObject({ callIds: ['esl-lost'] });
    expect((await driver.health()).ok).toBe(true);
  });
});
