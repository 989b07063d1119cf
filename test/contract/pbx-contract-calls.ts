import { describe, expect, it } from 'vitest';
import { Q850, type CallOutcome } from '../../src/domain/call-outcome.js';
import { labNumber, type LabBehaviourDigit } from '../../src/lab/number-plan.js';
import { PbxError, type OriginateRequest } from '../../src/pbx/pbx-driver.js';
import type { ContractContext } from './pbx-contract.js';
import { callEvent } from './pbx-events.js';

/** Call set-up, failure outcomes, who hangs up first, AMD, duplicates, listCalls, health. */
export function defineCallCases(ctx: ContractContext): void {
  const { setup } = ctx;
  const T = setup.eventTimeoutMs;

  const request = (
    callId: string,
    number: string,
    extra: Partial<OriginateRequest> = {},
  ): OriginateRequest => ({
    callId,
    endpoint: setup.dialString(number),
    callerId: { name: 'Contract', number: '2000' },
    timeoutSec: 20,
    variables: { CONTRACT_CASE: callId },
    ...extra,
  });

  const dial = async (
    label: string,
    b: LabBehaviourDigit,
    talkSec = 0,
    extra?: Partial<OriginateRequest>,
  ) => {
    const callId = ctx.callId(label);
    await ctx.driver().originate(request(callId, labNumber(b, talkSec, ctx.digit()), extra));
    return callId;
  };

  const hangupOf = (callId: string) =>
    ctx.log().waitFor(callEvent('hangup', callId), T, `hangup of ${callId}`);

  it('reports the capabilities it was declared with', () => {
    expect([...ctx.driver().capabilities].sort()).toEqual([...ctx.caps].sort());
  });

  it('health: ok with a latency', async () => {
    const h = await ctx.driver().health();
    expect(h.ok).toBe(true);
    expect(h.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('answer: ringing → answered → we hang up → hangup answered, cause 16', async () => {
    const callId = await dial('answer', 0);
    await ctx.log().waitFor(callEvent('ringing', callId), T, 'ringing');
    await ctx.log().waitFor(callEvent('answered', callId), T, 'answered');
    await ctx.driver().hangup(callId);
    const h = await hangupOf(callId);
    expect(h).toMatchObject({ outcome: 'answered', answered: true, cause: Q850.NORMAL_CLEARING });
    const order = ctx
      .log()
      .forCall(callId)
      .map((e) => e.type);
    expect(order.indexOf('ringing')).toBeLessThan(order.indexOf('answered'));
    expect(order.filter((t) => t === 'hangup')).toHaveLength(1);
  });

  const failures: [string, LabBehaviourDigit, CallOutcome, number, number][] = [
    ['busy', 1, 'busy', Q850.USER_BUSY, 486],
    ['congestion', 3, 'congestion', Q850.NORMAL_CIRCUIT_CONGESTION, 503],
    ['invalid number', 4, 'invalid-number', Q850.UNALLOCATED_NUMBER, 404],
    ['rejected', 6, 'rejected', Q850.CALL_REJECTED, 603],
    ['unavailable', 8, 'no-answer', Q850.NO_ANSWER, 480],
  ];
  for (const [label, b, outcome, cause, sip] of failures) {
    it(`${label}: hangup ${outcome}, cause ${cause}, never answered`, async () => {
      const callId = await dial(label.replace(' ', '-'), b);
      const h = await hangupOf(callId);
      expect(h).toMatchObject({ outcome, cause, answered: false });
      // The SIP status is optional in the interface, but when reported it must be the far end's.
      if (h.sipStatus !== undefined) expect(h.sipStatus).toBe(sip);
      expect(
        ctx
          .log()
          .forCall(callId)
          .some((e) => e.type === 'answered'),
      ).toBe(false);
    });
  }

  it('no-answer: the originate timeout ends a ringing call as no-answer', async () => {
    const callId = await dial('no-answer', 2, 0, { timeoutSec: setup.noAnswerTimeoutSec });
    await ctx.log().waitFor(callEvent('ringing', callId), T, 'ringing');
    const h = await ctx
      .log()
      .waitFor(callEvent('hangup', callId), T + setup.noAnswerTimeoutSec * 1000, 'no-answer hangup');
    expect(h).toMatchObject({ outcome: 'no-answer', answered: false });
  });

  it('caller hangs up first: the far end ends an answered call (TT = 2 s)', async () => {
    const callId = await dial('caller-first', 9, 2);
    await ctx.log().waitFor(callEvent('answered', callId), T, 'answered');
    const h = await ctx.log().waitFor(callEvent('hangup', callId), T + 2_000, 'far-end hangup');
    expect(h).toMatchObject({ outcome: 'answered', answered: true, cause: Q850.NORMAL_CLEARING });
  });

  it('duplicate call id is rejected while the first call lives, and after it ended', async () => {
    const callId = await dial('dup', 0);
    const again = ctx.driver().originate(request(callId, labNumber(0, 0, ctx.digit())));
    await expect(again).rejects.toSatisfy((e) => e instanceof PbxError && e.code === 'duplicate');
    await ctx.driver().hangup(callId);
    await hangupOf(callId);
    const later = ctx.driver().originate(request(callId, labNumber(0, 0, ctx.digit())));
    await expect(later).rejects.toSatisfy((e) => e instanceof PbxError && e.code === 'duplicate');
    expect(
      ctx
        .log()
        .forCall(callId)
        .filter((e) => e.type === 'hangup'),
    ).toHaveLength(1);
  });

  it('hangup of an unknown call resolves quietly', async () => {
    await expect(ctx.driver().hangup(ctx.callId('unknown'))).resolves.toBeUndefined();
  });

  it('listCalls: shows our live call, forgets it after hangup', async () => {
    const callId = await dial('list', 9);
    await ctx.log().waitFor(callEvent('answered', callId), T, 'answered');
    const live = await ctx.driver().listCalls();
    expect(live.find((c) => c.callId === callId)).toMatchObject({ callId, state: 'up' });
    await ctx.driver().hangup(callId);
    await hangupOf(callId);
    expect((await ctx.driver().listCalls()).some((c) => c.callId === callId)).toBe(false);
  });

  describe('AMD', () => {
    it.skipIf(!ctx.caps.has('amd'))('human: answered, then amd human', async () => {
      const callId = await dial('amd-human', 0, 0, { amd: true });
      await ctx.log().waitFor(callEvent('answered', callId), T, 'answered');
      const amd = await ctx.log().waitFor(callEvent('amd', callId), T, 'amd result');
      expect(amd.result).toBe('human');
    });

    it.skipIf(!ctx.caps.has('amd'))('machine: answered, then amd machine', async () => {
      const callId = await dial('amd-machine', 5, 0, { amd: true });
      await ctx.log().waitFor(callEvent('answered', callId), T, 'answered');
      const amd = await ctx.log().waitFor(callEvent('amd', callId), T, 'amd result');
      expect(amd.result).toBe('machine');
    });
  });
}
