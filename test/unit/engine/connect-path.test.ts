import { afterEach, describe, expect, it, vi } from 'vitest';
import { labNumber } from '../../../src/lab/number-plan.js';
import { engineUnit, START, type EngineUnit } from '../../support/engine-unit.js';

/**
 * The connect path of a predictive campaign, on the fake PBX and a manual clock: an answered
 * customer reaches a ready agent at once, waits for one that frees up within 2 s, or is abandoned
 * at exactly 2 s with the identification message; AMD sends machines away and starts the clock
 * for humans at its verdict.
 */
describe('engine unit tier: the two-second path', () => {
  let u: EngineUnit;
  afterEach(async () => u?.stop());

  const row = (leadId: number, i = 0) => u.calls.ofLead(leadId)[i];

  it('a human who answers while an agent is ready is bridged at the answer, and recorded', async () => {
    u = await engineUnit({ mode: 'predictive', wrapUpSec: 5 });
    const lead = u.ledger.addLead(labNumber(0, 20, 1));
    await u.start();
    await u.login(1);
    u.pacer.dial(1);
    await u.until('the bridge', () => row(lead)?.bridged_at !== undefined);
    const c = row(lead);
    expect(c?.answered_at?.getTime()).toBeGreaterThanOrEqual(START + 1_000);
    expect(c?.bridged_at?.getTime()).toBe(c?.answered_at?.getTime());
    expect(c?.agent_id).toBe(1);
    expect(u.agent(1)?.status.state).toBe('on-call');
    await u.until('the hang-up', () => row(lead)?.ended_at !== undefined, 30_000);
    expect(row(lead)?.outcome).toBe('answered');
    expect(row(lead)?.abandoned).not.toBe(true);
    expect(u.ledger.lead(lead).life.status).toBe('done');
    expect(u.agent(1)?.status.state).toBe('wrap-up');
    expect(u.engine().runner.stats).toMatchObject({ liveAnswers: 1, abandoned: 0, connectMs: [0] });
    await u.until('the archive', () => u.archive.archived.length === 1, 5_000);
  });

  it('a customer waiting for an agent who frees up within 2 s is bridged, not abandoned', async () => {
    u = await engineUnit({ mode: 'predictive', wrapUpSec: 0 });
    // Answers at once and hangs up after 2 s; the second answers after 1 s of ringing.
    const first = u.ledger.addLead(labNumber(9, 2, 1));
    const second = u.ledger.addLead(labNumber(0, 10, 2));
    await u.start();
    await u.login(1);
    u.pacer.dial(2);
    await u.until('the second bridge', () => row(second)?.bridged_at !== undefined, 10_000);
    const c = row(second);
    const wait = (c?.bridged_at?.getTime() ?? 0) - (c?.answered_at?.getTime() ?? 0);
    expect(wait).toBeGreaterThan(500);
    expect(wait).toBeLessThan(2_000);
    expect(c?.abandoned).not.toBe(true);
    expect(row(first)?.ended_at).toBeDefined();
    await u.until('both ended', () => row(second)?.ended_at !== undefined, 30_000);
    expect(u.engine().runner.stats.abandoned).toBe(0);
  });

  it('no agent within 2 s: abandoned at exactly 2 s, the identification message played, then hung up', async () => {
    u = await engineUnit({ mode: 'predictive', wrapUpSec: 0, idMessageSec: 4 });
    const busyAgent = u.ledger.addLead(labNumber(9, 30, 1));
    const waiting = u.ledger.addLead(labNumber(0, 30, 2));
    await u.start();
    await u.login(1);
    const play = vi.spyOn(u.pbx, 'play');
    u.pacer.dial(2);
    await u.until('the abandon', () => row(waiting)?.abandoned === true, 10_000);
    const c = row(waiting);
    expect(c?.id_message_at?.getTime()).toBe((c?.answered_at?.getTime() ?? 0) + 2_000);
    expect(c?.bridged_at).toBeUndefined();
    expect(play).toHaveBeenCalledWith(c?.id, 'sound:custom/dialer-id-message');
    await u.advance(3_900);
    expect(row(waiting)?.ended_at).toBeUndefined();
    await u.until('the hang-up after the message', () => row(waiting)?.ended_at !== undefined, 500);
    expect((row(waiting)?.ended_at?.getTime() ?? 0) - (c?.id_message_at?.getTime() ?? 0)).toBe(4_000);
    const lead = u.ledger.lead(waiting);
    expect(lead.life.status).toBe('scheduled');
    expect(lead.life.nextAttemptAt?.getTime()).toBe(
      (row(waiting)?.ended_at?.getTime() ?? 0) + 72 * 3_600_000,
    );
    expect(lead.lastOutcome).toBe('abandoned');
    expect(u.engine().runner.stats).toMatchObject({ liveAnswers: 1, abandoned: 1 });
    const sec = u.clock.now() / 1000;
    // Both live answers: the busy agent's customer counted at its connect, the abandon at its message.
    expect(u.engine().runner.ledger.window(sec, 60)).toEqual({ humans: 2, abandons: 1 });
    expect(row(busyAgent)?.agent_id).toBe(1);
  });

  it('AMD: a machine is hung up without an agent; a human is connected from the verdict', async () => {
    u = await engineUnit({ mode: 'predictive', amd: true, wrapUpSec: 0 });
    const machine = u.ledger.addLead(labNumber(5, 0, 1));
    const human = u.ledger.addLead(labNumber(0, 5, 2));
    await u.start();
    await u.login(1);
    u.pacer.dial(2);
    await u.until('the machine hung up', () => row(machine)?.ended_at !== undefined, 10_000);
    expect(row(machine)).toMatchObject({ outcome: 'machine', amd_result: 'machine' });
    expect(row(machine)?.bridged_at).toBeUndefined();
    const m = u.ledger.lead(machine);
    expect([m.life.status, m.lastOutcome]).toEqual(['scheduled', 'machine']);
    expect(m.life.nextAttemptAt?.getTime()).toBe((row(machine)?.ended_at?.getTime() ?? 0) + 240 * 60_000);
    await u.until('the human bridged', () => row(human)?.bridged_at !== undefined, 10_000);
    const h = row(human);
    expect(h?.amd_result).toBe('human');
    // The US clock starts when the greeting ends, which is when AMD decides.
    expect(h?.bridged_at?.getTime()).toBe(h?.amd_at?.getTime());
    expect(h?.agent_id).toBe(1);
    // Only the machine's agent-less end and the human count as answered; one live answer.
    await u.until('both ended', () => row(human)?.ended_at !== undefined, 30_000);
    expect(u.engine().runner.stats).toMatchObject({ answered: 2, machines: 1, liveAnswers: 1, abandoned: 0 });
  });
});
