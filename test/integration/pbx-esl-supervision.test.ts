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
 * agent. Each party's call is recorded (RECORD_STEREO: channel 0 what it says, channel 1 what it
 * hears), so the 2 kHz share of the heard channel says whether that party heard the supervisor,
 * and the supervisor's own heard channel says whom the supervisor hears (440 Hz the customer,
 * 1 kHz the agent).
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
  /** The peak share of `hz` in what a recorded party said (channel 0) and heard (channel 1). */
  const tonesOf = async (name: string) => {
    await driver.stopRecording(name);
    await waitFor(`end of ${name}`, (e) => e.type === 'recording-finished' && e.name === name);
    const file = join(dir, `${name}.wav`);
    await driver.fetchRecording(name, file);
    const wav = await readFile(file);
    await driver.deleteRecording(name);
    const [said, heard] = [wavPcm(wav, 0), wavPcm(wav, 1)];
    return {
      said: (hz: number) => peakToneShare(said.samples, said.rate, hz),
      heard: (hz: number) => peakToneShare(heard.samples, heard.rate, hz),
    };
  };

  /**
   * What the customer, the agent and the supervisor heard while the supervisor snooped on the
   * agent. The recordings start after eavesdrop is running: a media bug added later sees the
   * frames eavesdrop has already replaced, so the heard channel is what FreeSWITCH sends the phone.
   */
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
    const supervisor = id('sup');
    await driver.snoop(agentCall, mode, { callId: supervisor, endpoint: 'user/supervisor1', timeoutSec: 20 });
    await waitFor('supervisor answered', (e) => e.type === 'answered' && e.callId === supervisor);
    await sleep(500);
    const [recC, recA, recS] = [id('rec-c'), id('rec-a'), id('rec-s')];
    await driver.startRecording({ name: recC, target: { callId: customer }, format: 'wav' });
    await driver.startRecording({ name: recA, target: { callId: agentCall }, format: 'wav' });
    await driver.startRecording({ name: recS, target: { callId: supervisor }, format: 'wav' });
    await sleep(3_000);
    const [c, a, s] = [await tonesOf(recC), await tonesOf(recA), await tonesOf(recS)];
    await Promise.allSettled([supervisor, agentCall, customer].map((x) => driver.hangup(x)));
    await driver.destroyBridge(bridgeId);
    return {
      /** Controls: each party's own tone is on its own "said" channel. */
      said: { customer: c.said(440), agent: a.said(1_000), supervisor: s.said(2_000) },
      customer: c.heard(2_000),
      agent: a.heard(2_000),
      supervisorHeard: { customer: s.heard(440), agent: s.heard(1_000) },
    };
  };

  const expectSupervisorHearsBoth = (s: Awaited<ReturnType<typeof heard>>) => {
    expect(s.said.customer, 'control: the customer sends 440 Hz').toBeGreaterThan(0.2);
    expect(s.said.agent, 'control: the agent sends 1 kHz').toBeGreaterThan(0.2);
    expect(s.said.supervisor, 'control: the supervisor sends 2 kHz').toBeGreaterThan(0.2);
    expect(s.supervisorHeard.customer, 'supervisor heard the customer (440 Hz)').toBeGreaterThan(0.2);
    expect(s.supervisorHeard.agent, 'supervisor heard the agent (1 kHz)').toBeGreaterThan(0.2);
  };

  it('listen: nobody hears the supervisor', async () => {
    const s = await heard('listen', 8);
    expect(s.customer, 'customer heard the supervisor').toBeLessThan(0.05);
    expect(s.agent, 'agent heard the supervisor').toBeLessThan(0.05);
    expectSupervisorHearsBoth(s);
  });

  it('whisper: the agent hears the supervisor, the customer does not', async () => {
    const s = await heard('whisper', 9);
    expect(s.agent, 'agent heard the supervisor').toBeGreaterThan(0.2);
    expect(s.customer, 'customer heard the supervisor').toBeLessThan(0.05);
    expectSupervisorHearsBoth(s);
  });

  it('whisper to a call with no single peer is refused, not sent to the wrong party', async () => {
    const alone = await answered(`sv-${run}-${++seq}-alone`, 'user/agent11');
    await expect(
      driver.snoop(alone, 'whisper', {
        callId: `sv-${run}-${++seq}-sup`,
        endpoint: 'user/supervisor2',
        timeoutSec: 5,
      }),
    ).rejects.toMatchObject({ code: 'rejected' });
    await driver.hangup(alone);
  });

  it('barge: both hear the supervisor', async () => {
    const s = await heard('barge', 10);
    expect(s.agent, 'agent heard the supervisor').toBeGreaterThan(0.2);
    expect(s.customer, 'customer heard the supervisor').toBeGreaterThan(0.2);
    expectSupervisorHearsBoth(s);
  });
});
