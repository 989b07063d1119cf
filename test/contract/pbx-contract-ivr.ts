import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LAB_KEY_PRESS_MS, labNumber, parseLabNumber } from '../../src/lab/number-plan.js';
import { labSoundMs } from '../../src/lab/sounds.js';
import type { ContractContext } from './pbx-contract.js';
import { callEvent, recordingEvent, type EventOf } from './pbx-events.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The lab machine's greeting (4.8 s) and beep (0.5 s) end this long after it answers. */
const MACHINE_GREETING_AND_BEEP_MS = 5_300;

/** What IVR calls need: the customer's keys, sounds that start and end, AMD that waits for the beep. */
export function defineIvrCases(ctx: ContractContext): void {
  const { setup } = ctx;
  const T = setup.eventTimeoutMs;
  /** Lab milliseconds → this far end's milliseconds. */
  const scaled = (ms: number): number => ms * setup.timeScale;

  const answeredCall = async (label: string, number: string, amd = false, amdWaitForBeep = false) => {
    const callId = ctx.callId(label);
    await ctx.driver().originate({
      callId,
      endpoint: setup.dialString(number),
      timeoutSec: 20,
      amd,
      amdWaitForBeep,
    });
    const answered = await ctx.log().waitFor(callEvent('answered', callId), T, `answer of ${label}`);
    return { callId, answered };
  };

  const finishOf = (callId: string, playbackId: string) =>
    ctx
      .log()
      .waitFor(
        (e): e is EventOf<'playback-finished'> =>
          e.type === 'playback-finished' && e.callId === callId && e.playbackId === playbackId,
        T,
        `playback-finished ${playbackId}`,
      );

  it.skipIf(!ctx.caps.has('dtmf'))("dtmf: the customer's key presses arrive in order", async () => {
    const number = labNumber(9, 0, ctx.digit(), 555, '43');
    const { callId, answered } = await answeredCall('dtmf', number);
    const keys = parseLabNumber(number).keys;
    expect(keys).toBe('43');
    const deadline = Date.now() + T + scaled(keys.length * LAB_KEY_PRESS_MS);
    while (
      Date.now() < deadline &&
      ctx
        .log()
        .forCall(callId)
        .filter((e) => e.type === 'dtmf').length < 2
    ) {
      await sleep(20);
    }
    await sleep(setup.settleMs);
    const presses = ctx
      .log()
      .forCall(callId)
      .filter((e): e is EventOf<'dtmf'> => e.type === 'dtmf');
    expect(presses.map((e) => e.digit)).toEqual([...keys]);
    // The far end's plan: the first key LAB_KEY_PRESS_MS after answering, the next as long after.
    const [first, second] = presses;
    expect((first?.at ?? 0) - answered.at).toBeGreaterThanOrEqual(scaled(LAB_KEY_PRESS_MS) * 0.8);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(scaled(LAB_KEY_PRESS_MS) * 0.8);
  });

  it.skipIf(!ctx.caps.has('dtmf'))('dtmf: a customer who presses nothing sends no digits', async () => {
    const { callId } = await answeredCall('no-keys', labNumber(9, 0, ctx.digit()));
    await sleep(scaled(LAB_KEY_PRESS_MS) + setup.settleMs);
    expect(
      ctx
        .log()
        .forCall(callId)
        .filter((e) => e.type === 'dtmf'),
    ).toEqual([]);
  });

  it.skipIf(!ctx.caps.has('play'))(
    'play: a sound starts, then finishes once under our playback id',
    async () => {
      const { callId } = await answeredCall('play', labNumber(9, 0, ctx.digit()));
      const started = Date.now();
      await expect(ctx.driver().play(callId, 'sound:beep', { playbackId: `${callId}-p1` })).resolves.toBe(
        `${callId}-p1`,
      );
      const done = await finishOf(callId, `${callId}-p1`);
      // Not before the sound could have played (a sound the PBX cannot find ends at once).
      expect(done.at - started).toBeGreaterThanOrEqual(scaled(labSoundMs('sound:beep')) * 0.5);
      await sleep(setup.settleMs);
      const finishes = ctx
        .log()
        .forCall(callId)
        .filter((e) => e.type === 'playback-finished');
      expect(finishes).toHaveLength(1);
      // Without an id the adapter makes one up, and reports it.
      const id = await ctx.driver().play(callId, 'sound:beep');
      expect(id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      await finishOf(callId, id);
    },
  );

  it.skipIf(!ctx.caps.has('play'))(
    'play: a sound the PBX cannot find still finishes, once, and the call stays ours',
    async () => {
      // The engine waits for the identification message to end before it hangs up: a missing
      // file must not leave it waiting (FreeSWITCH sends no PLAYBACK_STOP for one).
      const { callId } = await answeredCall('missing', labNumber(9, 0, ctx.digit()));
      await ctx.driver().play(callId, 'sound:dialer-no-such-sound', { playbackId: `${callId}-none` });
      await finishOf(callId, `${callId}-none`);
      await sleep(setup.settleMs);
      expect(
        ctx
          .log()
          .forCall(callId)
          .filter((e) => e.type === 'playback-finished'),
      ).toHaveLength(1);
      expect((await ctx.driver().listCalls()).some((c) => c.callId === callId)).toBe(true);
    },
  );

  it.skipIf(!ctx.caps.has('play'))(
    'stopPlayback: cuts a long sound short, reported finished once; quiet when nothing plays',
    async () => {
      const { callId } = await answeredCall('stop', labNumber(9, 0, ctx.digit()));
      const long = 'sound:demo-thanks';
      const started = Date.now();
      await ctx.driver().play(callId, long, { playbackId: `${callId}-long` });
      await ctx.driver().stopPlayback(callId);
      const done = await finishOf(callId, `${callId}-long`);
      expect(done.at - started).toBeLessThan(scaled(labSoundMs(long)) * 0.6);
      await sleep(setup.settleMs);
      expect(
        ctx
          .log()
          .forCall(callId)
          .filter((e) => e.type === 'playback-finished'),
      ).toHaveLength(1);
      await expect(ctx.driver().stopPlayback(callId)).resolves.toBeUndefined();
      // The call is still ours: it can play again and be hung up.
      await ctx.driver().play(callId, 'sound:beep', { playbackId: `${callId}-after` });
      await finishOf(callId, `${callId}-after`);
      await ctx.driver().hangup(callId);
      await ctx.log().waitFor(callEvent('hangup', callId), T, 'hangup');
    },
  );

  it.skipIf(!ctx.caps.has('play') || !ctx.caps.has('bridge') || !ctx.caps.has('record'))(
    'after a sound the call is still ours: recorded across it, bridged with an agent, hung up',
    async () => {
      const { callId } = await answeredCall('after-play', labNumber(9, 0, ctx.digit()));
      const name = ctx.recordingName('after-play');
      await ctx.driver().startRecording({ name, target: { callId }, format: 'wav' });
      await ctx.log().waitFor(recordingEvent('recording-started', name), T, 'recording-started');
      await ctx.driver().play(callId, 'sound:hello-world', { playbackId: `${callId}-hw` });
      await finishOf(callId, `${callId}-hw`);
      const agent = ctx.callId('after-play-agent');
      await ctx.driver().originate({ callId: agent, endpoint: setup.agentDialString(6), timeoutSec: 20 });
      await ctx.log().waitFor(callEvent('answered', agent), T, 'agent answered');
      const bridgeId = ctx.bridgeId('after-play');
      await ctx.driver().createBridge(bridgeId);
      await ctx.driver().addToBridge(bridgeId, callId);
      await ctx.driver().addToBridge(bridgeId, agent);
      await sleep(setup.settleMs);
      const live = await ctx.driver().listCalls();
      expect(live.find((c) => c.callId === callId)?.bridgeId).toBe(bridgeId);
      await ctx.driver().hangup(callId);
      await ctx.log().waitFor(callEvent('hangup', callId), T, 'customer hangup');
      await ctx.log().waitFor(recordingEvent('recording-finished', name), T, 'recording-finished');
      const dir = await mkdtemp(join(tmpdir(), 'pbx-ivr-'));
      try {
        const file = join(dir, `${name}.wav`);
        await ctx.driver().fetchRecording(name, file);
        const wav = await readFile(file);
        expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
        // The sound (1.42 s) alone is 22 kB of 8 kHz 16-bit audio: the recording spans it.
        expect(wav.length).toBeGreaterThan(scaled(labSoundMs('sound:hello-world')) * 16 * 0.5);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!ctx.caps.has('amd'))(
    'AMD waiting for the beep: a machine is reported once its greeting and beep are over',
    async () => {
      const { callId, answered } = await answeredCall('amd-beep', labNumber(5, 0, ctx.digit()), true, true);
      const amd = await ctx.log().waitFor(callEvent('amd', callId), T + scaled(10_000), 'amd after beep');
      expect(amd.result).toBe('machine');
      expect(amd.at - answered.at).toBeGreaterThanOrEqual(scaled(MACHINE_GREETING_AND_BEEP_MS) * 0.9);
    },
  );

  it.skipIf(!ctx.caps.has('amd'))(
    'AMD waiting for the beep: a human is reported as soon as AMD decides',
    async () => {
      const { callId, answered } = await answeredCall('amd-beep-h', labNumber(0, 0, ctx.digit()), true, true);
      const amd = await ctx.log().waitFor(callEvent('amd', callId), T, 'amd');
      expect(amd.result).toBe('human');
      expect(amd.at - answered.at).toBeLessThan(scaled(MACHINE_GREETING_AND_BEEP_MS));
    },
  );
}
