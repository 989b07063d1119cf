import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labNumber } from '../../src/lab/number-plan.js';
import type { ContractContext } from './pbx-contract.js';
import { peakToneShare, wavPcm } from '../support/tones.js';
import { callEvent, recordingEvent } from './pbx-events.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Bridges, agent legs, recording, play and supervision. */
export function defineMediaCases(ctx: ContractContext): void {
  const { setup } = ctx;
  const T = setup.eventTimeoutMs;
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pbx-contract-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Dials and waits for the answer; `agent` dials an agent softphone instead of a customer. */
  const answeredCall = async (label: string, agent?: number): Promise<string> => {
    const callId = ctx.callId(label);
    const endpoint =
      agent === undefined ? setup.dialString(labNumber(9, 0, ctx.digit())) : setup.agentDialString(agent);
    await ctx.driver().originate({ callId, endpoint, timeoutSec: 20 });
    await ctx.log().waitFor(callEvent('answered', callId), T, `answer of ${label}`);
    return callId;
  };

  /** Customer and agent, both answered, both in a new bridge. */
  const bridgedPair = async (label: string, agent: number) => {
    const [customer, agentCall] = await Promise.all([
      answeredCall(`${label}-cust`),
      answeredCall(`${label}-agent`, agent),
    ]);
    const bridgeId = ctx.bridgeId(label);
    await ctx.driver().createBridge(bridgeId);
    await ctx.driver().addToBridge(bridgeId, customer);
    await ctx.driver().addToBridge(bridgeId, agentCall);
    return { customer, agentCall, bridgeId };
  };

  it.skipIf(!ctx.caps.has('bridge'))(
    'bridging: create, add both, remove, destroy; calls stay up',
    async () => {
      const { customer, agentCall, bridgeId } = await bridgedPair('bridge', 1);
      const live = await ctx.driver().listCalls();
      expect(live.find((c) => c.callId === customer)?.bridgeId).toBe(bridgeId);
      expect(live.find((c) => c.callId === agentCall)?.bridgeId).toBe(bridgeId);
      await ctx.driver().removeFromBridge(bridgeId, agentCall);
      expect((await ctx.driver().listCalls()).find((c) => c.callId === agentCall)?.bridgeId).toBeUndefined();
      await ctx.driver().destroyBridge(bridgeId);
      await expect(ctx.driver().destroyBridge(bridgeId)).resolves.toBeUndefined();
      await sleep(setup.settleMs);
      const after = new Set((await ctx.driver().listCalls()).map((c) => c.callId));
      expect(after.has(customer) && after.has(agentCall)).toBe(true);
      expect(
        ctx.log().events.some((e) => e.type === 'hangup' && [customer, agentCall].includes(e.callId)),
      ).toBe(false);
    },
  );

  it.skipIf(!ctx.caps.has('bridge'))(
    'agent hangs up first: the customer stays until we hang up',
    async () => {
      const { customer, agentCall } = await bridgedPair('agent-first', 2);
      await ctx.driver().hangup(agentCall);
      const agentEnd = await ctx.log().waitFor(callEvent('hangup', agentCall), T, 'agent hangup');
      expect(agentEnd.answered).toBe(true);
      await sleep(setup.settleMs);
      expect(
        ctx
          .log()
          .forCall(customer)
          .some((e) => e.type === 'hangup'),
      ).toBe(false);
      expect((await ctx.driver().listCalls()).some((c) => c.callId === customer)).toBe(true);
      await ctx.driver().hangup(customer);
      const end = await ctx.log().waitFor(callEvent('hangup', customer), T, 'customer hangup');
      expect(end).toMatchObject({ outcome: 'answered', answered: true });
    },
  );

  it.skipIf(!ctx.caps.has('record'))(
    'recording a bridge: started, finished, fetched as a non-empty WAV, deleted',
    async () => {
      const { bridgeId } = await bridgedPair('rec', 3);
      const name = ctx.recordingName('bridge');
      await ctx.driver().startRecording({ name, target: { bridgeId }, format: 'wav' });
      await ctx.log().waitFor(recordingEvent('recording-started', name), T, 'recording-started');
      await sleep(2_000);
      await ctx.driver().stopRecording(name);
      const done = await ctx
        .log()
        .waitFor(recordingEvent('recording-finished', name), T, 'recording-finished');
      if (done.durationSec !== undefined) expect(done.durationSec).toBeGreaterThan(0);
      const file = join(dir, `${name}.wav`);
      const { bytes } = await ctx.driver().fetchRecording(name, file);
      const wav = await readFile(file);
      expect(bytes).toBe(wav.length);
      expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
      expect(wav.subarray(8, 12).toString('ascii')).toBe('WAVE');
      // 2 s of 8 kHz 16-bit audio is 32 kB; demand at least a quarter of it.
      expect(wav.length).toBeGreaterThan(8_000);
      await ctx.driver().deleteRecording(name);
      await expect(ctx.driver().fetchRecording(name, join(dir, 'gone.wav'))).rejects.toThrow();
    },
  );

  it.skipIf(!ctx.caps.has('record'))(
    'recording a call: both parties audible (customer 440 Hz, agent 1 kHz), until stopped',
    async () => {
      // What the engine records: the customer's call from answer to hang-up, which must hold
      // what the customer says and what they hear (the agent).
      const { customer } = await bridgedPair('rec-call', 6);
      const name = ctx.recordingName('call');
      await ctx.driver().startRecording({ name, target: { callId: customer }, format: 'wav' });
      await ctx.log().waitFor(recordingEvent('recording-started', name), T, 'recording-started');
      await sleep(3_000);
      await ctx.driver().stopRecording(name);
      await ctx.log().waitFor(recordingEvent('recording-finished', name), T, 'recording-finished');
      const file = join(dir, `${name}.wav`);
      await ctx.driver().fetchRecording(name, file);
      const { rate, samples } = wavPcm(await readFile(file));
      const share = (f: number) => peakToneShare(samples, rate, f);
      const shares = { hz440: share(440), hz1000: share(1_000), hz2500: share(2_500) };
      expect(rate).toBe(8_000);
      expect(shares.hz440, 'the customer (440 Hz)').toBeGreaterThan(0.2);
      expect(shares.hz1000, 'the agent (1 kHz)').toBeGreaterThan(0.2);
      expect(shares.hz2500, 'a tone nobody played').toBeLessThan(0.05);
      // The customer's call is still up: stopping the recording does not end the call.
      expect((await ctx.driver().listCalls()).some((c) => c.callId === customer)).toBe(true);
    },
  );

  it.skipIf(!ctx.caps.has('snoop'))(
    'snoop listen: the supervisor call is answered and ends cleanly',
    async () => {
      const { customer } = await bridgedPair('snoop', 4);
      const supervisor = ctx.callId('supervisor');
      await ctx.driver().snoop(customer, 'listen', {
        callId: supervisor,
        endpoint: setup.agentDialString(5),
        timeoutSec: 20,
      });
      await ctx.log().waitFor(callEvent('answered', supervisor), T, 'supervisor answered');
      await sleep(setup.settleMs);
      expect(
        ctx
          .log()
          .forCall(customer)
          .some((e) => e.type === 'hangup'),
      ).toBe(false);
      await ctx.driver().hangup(supervisor);
      await ctx.log().waitFor(callEvent('hangup', supervisor), T, 'supervisor hangup');
      expect((await ctx.driver().listCalls()).some((c) => c.callId === customer)).toBe(true);
    },
  );
}
