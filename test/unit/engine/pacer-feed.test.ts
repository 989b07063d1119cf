import { afterEach, describe, expect, it } from 'vitest';
import { labNumber } from '../../../src/lab/number-plan.js';
import { engineUnit, type EngineUnit } from '../../support/engine-unit.js';

/**
 * The engine feeds the pacer and its abandon ledger at the moments the simulator does — the
 * answer routed to the agent queue, the connect, the abandon — not only when the call hangs up,
 * so what the bench measures is what production does.
 */
describe('engine unit tier: what the pacer hears, and when', () => {
  let u: EngineUnit;
  afterEach(async () => u?.stop());

  const row = (leadId: number) => u.calls.ofLead(leadId)[0];
  const sec = (): number => u.clock.now() / 1000;

  it('a connected answer is in the ledger and the pacer while the customer still talks', async () => {
    u = await engineUnit({ mode: 'predictive', wrapUpSec: 0 });
    const lead = u.ledger.addLead(labNumber(0, 30, 1));
    await u.start();
    await u.login(1);
    u.pacer.dial(1);
    await u.until('the bridge', () => row(lead)?.bridged_at !== undefined);
    await u.advance(1_000);
    expect(row(lead)?.ended_at).toBeUndefined();
    expect(u.engine().runner.ledger.window(sec(), 60)).toEqual({ humans: 1, abandons: 0 });
    const routed = u.pacer.observed.find((o) => o.type === 'dial-resolved');
    expect(routed).toMatchObject({ type: 'dial-resolved', routed: true });
    expect(routed?.now).toBe((row(lead)?.answered_at?.getTime() ?? 0) / 1000);
    await u.until('the hang-up', () => row(lead)?.ended_at !== undefined, 40_000);
    // Fed once each: the routing is not repeated at the hang-up, the answer not counted twice.
    expect(u.pacer.observed.filter((o) => o.type === 'dial-resolved')).toHaveLength(1);
    expect(u.engine().runner.ledger.window(sec(), 120)).toEqual({ humans: 1, abandons: 0 });
    expect(u.pacer.observed.filter((o) => o.type === 'handle')).toHaveLength(1);
  });

  it('an abandon is in the ledger at the identification message, not after it has played', async () => {
    u = await engineUnit({ mode: 'predictive', wrapUpSec: 0, idMessageSec: 6 });
    const busy = u.ledger.addLead(labNumber(9, 30, 1));
    const waiting = u.ledger.addLead(labNumber(0, 30, 2));
    await u.start();
    await u.login(1);
    u.pacer.dial(2);
    await u.until('the abandon', () => row(waiting)?.abandoned === true, 10_000);
    await u.advance(100);
    expect(row(waiting)?.ended_at).toBeUndefined();
    expect(u.engine().runner.ledger.window(sec(), 60)).toEqual({ humans: 2, abandons: 1 });
    await u.until('the hang-up after the message', () => row(waiting)?.ended_at !== undefined, 10_000);
    expect(u.engine().runner.ledger.window(sec(), 120)).toEqual({ humans: 2, abandons: 1 });
    expect(row(busy)?.agent_id).toBe(1);
  });
});
