import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labNumber } from '../../src/lab/number-plan.js';
import type { PbxEvent, SnoopMode } from '../../src/pbx/pbx-driver.js';
import { EslDriver } from '../../src/pbx/freeswitch/esl-driver.js';
import { labFreeswitch } from '../support/lab.js';
import { peakToneShare, wavPcm } from '../support/tones.js';

const lab = labFreeswitch();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Who hears the supervisor, on the real FreeSWITCH: the customer (lab carrier, 440 Hz) and an
 * agent (lab phone, 1 kHz) in one bridge, a supervisor (lab phone, 2 kHz) snooping on the
 * agent. Each party's call is recorded (RECORD_STEREO: what it says and what it hears), so the
 * 2 kHz share of a recording says whether that party heard the supervisor. Whisper is not here
 * yet: the driver's whisper is heard by the customer (issue #10, open).
 */
describe.skipIf(lab.skip !== undefined)(`ESL supervision on the lab FreeSWITCH ${lab.skip ?? ''}`, () => {
  const run = Math.random().toString(36).slice(2, 8);
  const events: PbxEvent[] = [];
  let driver: EslDriver;
  let dir = '';
  let seq = 0;

  beforeAll(async () => {
    const fs = lab.fs;
    if (!fs) return;
    dir = await mkdtemp(join(tmpdir(), 'esl-snoop-'));
    driver = new EslDriver({ ...fs.esl, recordingDir: fs.recordingDir }, pino({ level: 'silent' }));
    driver.onEvent((e) => events.push(e));
    await driver.connect();
  });
  afterAll(async () => {
    await driver?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const waitFor = async (what: string, pred: (e: PbxEvent) => boolean): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (!events.some(pred)) {
      if (Date.now() > deadline) throw new Error(`no ${what} within 15 s`);
      await sleep(20);
    }
  };
  const answered = async (callId: string, endpoint: string): Promise<string> => {
    await driver.originate({ callId, endpoint, timeoutSec: 20 });
    await waitFor(`answer of ${callId}`, (e) => e.type === 'answered' && e.callId === callId);
    return callId;
  };
  const supervisorShare = async (name: string): Promise<number> => {
    await driver.stopRecording(name);
    await waitFor(`end of ${name}`, (e) => e.type === 'recording-finished' && e.name === name);
    const file = join(dir, `${name}.wav`);
    await driver.fetchRecording(name, file);
    const { rate, samples } = wavPcm(await readFile(file));
    await driver.deleteRecording(name);
    return peakToneShare(samples, rate, 2_000);
  };

  /** The 2 kHz share in what the customer's and the agent's calls recorded during a snoop. */
  const heard = async (mode: SnoopMode, agent: number) => {
    const id = (label: string) => `sv-${run}-${++seq}-${label}`;
    const customer = await answered(
      id('cust'),
      `sofia/gateway/${lab.fs?.carrierGateway}/${labNumber(9, 0, seq % 10)}`,
    );
    const agentCall = await answered(id('agent'), `user/agent${agent}`);
    const bridgeId = id('bridge');
    await driver.createBridge(bridgeId);
    await driver.addToBridge(bridgeId, customer);
    await driver.addToBridge(bridgeId, agentCall);
    const [recC, recA] = [id('rec-c'), id('rec-a')];
    await driver.startRecording({ name: recC, target: { callId: customer }, format: 'wav' });
    await driver.startRecording({ name: recA, target: { callId: agentCall }, format: 'wav' });
    const supervisor = id('sup');
    await driver.snoop(agentCall, mode, { callId: supervisor, endpoint: 'user/supervisor1', timeoutSec: 20 });
    await waitFor('supervisor answered', (e) => e.type === 'answered' && e.callId === supervisor);
    await sleep(3_000);
    const shares = { customer: await supervisorShare(recC), agent: await supervisorShare(recA) };
    await Promise.allSettled([supervisor, agentCall, customer].map((c) => driver.hangup(c)));
    await driver.destroyBridge(bridgeId);
    return shares;
  };

  it('listen: nobody hears the supervisor', async () => {
    const s = await heard('listen', 8);
    expect(s.customer, 'customer heard the supervisor').toBeLessThan(0.05);
    expect(s.agent, 'agent heard the supervisor').toBeLessThan(0.05);
  });

  it('barge: both hear the supervisor', async () => {
    const s = await heard('barge', 10);
    expect(s.agent, 'agent heard the supervisor').toBeGreaterThan(0.2);
    expect(s.customer, 'customer heard the supervisor').toBeGreaterThan(0.2);
  });
});
