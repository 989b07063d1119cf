import { afterEach, describe, expect, it } from 'vitest';
import { PreviewError } from '../../../src/engine/errors.js';
import { labNumber } from '../../../src/lab/number-plan.js';
import { engineUnit, type EngineUnit } from '../../support/engine-unit.js';

/** The preview desk on in-memory ports: offer, skip with a reason, dial on the agent's word. */
describe('engine unit tier: preview offer / skip / dial', () => {
  let u: EngineUnit;
  afterEach(async () => u?.stop());

  const desk = async () => (await u.registry.previewDesk('agent1')).desk;

  it('offers the next lead to a ready agent (reserved), takes a skip, and dials the next on the click', async () => {
    u = await engineUnit({ mode: 'preview', wrapUpSec: 2 });
    const first = u.ledger.addLead(labNumber(9, 4, 1));
    const second = u.ledger.addLead(labNumber(9, 4, 2));
    await u.start();
    await u.login(1);
    const offered = await u.settle((await desk()).current(1, 2_000));
    expect(offered.offer?.lead.id).toBe(first);
    expect(offered.agentState).toBe('reserved');
    expect(u.offers.offers.map((o) => [o.leadId, o.status])).toEqual([[first, 'offered']]);

    const skipped = await u.settle(
      (await desk()).skip(1, { offerId: offered.offer?.offerId, reason: 'not-now' }),
    );
    expect(skipped.reason).toBe('not-now');
    // Never dialled: back among the fresh leads, its attempt uncounted, after the skip delay.
    const back = u.ledger.lead(first).life;
    expect([back.status, back.attempts]).toEqual(['new', 0]);
    expect(back.nextAttemptAt?.toISOString()).toBe(skipped.nextAttemptAt);
    expect(u.calls.ofLead(first)).toEqual([]);

    const next = await u.settle((await desk()).current(1, 2_000));
    expect(next.offer?.lead.id).toBe(second);
    const dialled = await u.settle((await desk()).dial(1, next.offer?.offerId ?? 0));
    expect(dialled.callId).toBe(next.offer?.callId);
    await u.until('the bridge', () => u.calls.ofLead(second)[0]?.bridged_at !== undefined, 5_000);
    expect(u.calls.ofLead(second)[0]?.agent_id).toBe(1);
    await u.until('the hang-up', () => u.calls.ofLead(second)[0]?.ended_at !== undefined, 10_000);
    expect(u.ledger.lead(second).life.status).toBe('done');
    expect(u.offers.offers.map((o) => o.status)).toEqual(['skipped', 'dialled']);
  });

  it('asks the gate again at the click: a DNC entry added while the agent reads wins', async () => {
    u = await engineUnit({ mode: 'preview' });
    const lead = u.ledger.addLead(labNumber(9, 4, 1));
    await u.start();
    await u.login(1);
    const offered = await u.settle((await desk()).current(1, 2_000));
    u.gate.verdicts.set(lead, { allowed: false, reason: 'dnc:care' });
    const err = await u.settle((await desk()).dial(1, offered.offer?.offerId ?? 0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreviewError);
    expect((err as PreviewError).status).toBe(409);
    expect(u.ledger.lead(lead).life.status).toBe('dnc');
    expect(u.ledger.refusals).toEqual([{ leadId: lead, reason: 'dnc:care' }]);
    expect(u.calls.ofLead(lead)).toEqual([]);
    expect(u.agent(1)?.status.state).toBe('ready');
  });

  it('an offer dials by itself after previewSeconds', async () => {
    u = await engineUnit({ mode: 'preview', previewSeconds: 5 });
    const lead = u.ledger.addLead(labNumber(9, 2, 1));
    await u.start();
    await u.login(1);
    await u.until('the offer', () => u.offers.offers.length === 1, 2_000);
    const offeredAt = u.offers.offers[0]?.offeredAt.getTime() ?? 0;
    await u.until('the auto-dial', () => u.calls.ofLead(lead).length === 1, 10_000);
    expect(u.calls.ofLead(lead)[0]?.reserved_at.getTime()).toBeGreaterThanOrEqual(offeredAt + 5_000);
  });
});
