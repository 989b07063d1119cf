import { afterEach, describe, expect, it } from 'vitest';
import { labNumber } from '../../../src/lab/number-plan.js';
import { engineUnit, type EngineUnit } from '../../support/engine-unit.js';

const HOUR = 3_600_000;
const consent = { rightParty: true, firstConfirmation: true, secondConfirmation: true };

/**
 * A sale on a trial product through the engine: the agent's disposition schedules the second
 * confirmation by the campaign's policy, the runner dials it when it falls due, and its end is
 * stored — reached, or extended once and then missed with `chargeAllowed: false`.
 */
describe('engine unit tier: a sale with a trial end', () => {
  let u: EngineUnit;
  afterEach(async () => u?.stop());

  /** The lead's sale call, bridged to agent1 and ended by the customer; then the sale. */
  async function sell(lead: number, trialEndsAt: (now: number) => number): Promise<string> {
    await u.until('the sale call', () => u.calls.ofLead(lead)[0]?.ended_at !== undefined, 20_000);
    const call = u.calls.ofLead(lead)[0];
    expect(call?.agent_id).toBe(1);
    const ends = new Date(trialEndsAt(u.clock.now())).toISOString();
    await u.settle(
      u.registry.dispose('agent1', call?.id ?? '', { code: 'sale', consent, trialEndsAt: ends }),
    );
    return call?.id ?? '';
  }

  it('reached: the confirmation is dialled when the policy says it is due, not before, and done', async () => {
    u = await engineUnit({ mode: 'progressive', wrapUpSec: 60 });
    const lead = u.ledger.addLead(labNumber(9, 3, 1));
    await u.start();
    await u.login(1);
    await sell(lead, (now) => now + 48 * HOUR + 60_000);
    const [cb] = u.ledger.callbacksOf(lead);
    expect(cb).toMatchObject({ kind: 'second-confirmation', status: 'pending' });
    expect(cb?.dueAt.getTime()).toBe((cb?.trialEndsAt?.getTime() ?? 0) - 48 * HOUR);
    expect(u.ledger.lead(lead).life).toMatchObject({ status: 'callback', nextAttemptAt: cb?.dueAt });
    await u.advance(50_000, 250);
    expect(u.calls.ofLead(lead)).toHaveLength(1);
    await u.until('the confirmation call', () => u.calls.ofLead(lead)[1]?.ended_at !== undefined, 30_000);
    const confirmation = u.calls.ofLead(lead)[1];
    expect(confirmation?.reserved_at.getTime()).toBeGreaterThanOrEqual(cb?.dueAt.getTime() ?? Infinity);
    expect(confirmation?.bridged_at).toBeDefined();
    expect(u.ledger.callbacksOf(lead)).toMatchObject([{ status: 'done', callId: confirmation?.id }]);
    expect(u.ledger.lead(lead).life.status).toBe('done');
    expect(u.ledger.audit.map((a) => a.action)).toEqual(['second-confirmation-reached']);
  });

  it('not reached: extended once by the policy, called again, then missed — chargeAllowed false', async () => {
    u = await engineUnit({
      mode: 'progressive',
      wrapUpSec: 60,
      maxAttempts: 2,
      secondConfirmation: { leadHours: 48, extensionDays: 1 },
    });
    const lead = u.ledger.addLead(labNumber(9, 3, 1));
    await u.start();
    await u.login(1);
    let trialEnd = 0;
    // The customer's line is busy from the sale on (the lab's far ends behave by number).
    await u.until('the sale call', () => u.calls.ofLead(lead)[0]?.ended_at !== undefined);
    u.ledger.lead(lead).phone = labNumber(1, 0, 2);
    await sell(lead, (now) => (trialEnd = now + 20 * 60_000));
    await u.until('the extended confirmation missed', () => u.ledger.audit.length === 2, 60_000);
    const calls = u.calls.ofLead(lead);
    expect(calls.map((c) => c.outcome)).toEqual(['answered', 'busy', 'busy']);
    const cbs = u.ledger.callbacksOf(lead);
    expect(cbs.map((c) => [c.status, c.extended])).toEqual([
      ['missed', false],
      ['missed', true],
    ]);
    expect(cbs[1]?.trialEndsAt?.getTime()).toBe(trialEnd + 24 * HOUR);
    expect(u.ledger.audit.map((a) => [a.action, a.details['chargeAllowed']])).toEqual([
      ['second-confirmation-extended', undefined],
      ['second-confirmation-missed', false],
    ]);
    expect(u.ledger.lead(lead).life).toMatchObject({ status: 'done', nextAttemptAt: null });
  });
});
