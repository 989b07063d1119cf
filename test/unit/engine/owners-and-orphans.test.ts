import { afterEach, describe, expect, it, vi } from 'vitest';
import { OWNER_ABSENT_RETRY_MS, OWNER_BUSY_RETRY_MS } from '../../../src/domain/preview/offer-rules.js';
import { ORPHAN_FAILURE } from '../../../src/engine/orphans.js';
import { labNumber } from '../../../src/lab/number-plan.js';
import { CAMPAIGN_ID, engineUnit, START, type EngineUnit } from '../../support/engine-unit.js';

describe('engine unit tier: owned leads', () => {
  let u: EngineUnit;
  afterEach(async () => u?.stop());

  it.each(['progressive', 'predictive'] as const)(
    '%s: an owned lead goes only to its owner, reserved before dialling; an absent owner’s lead waits',
    async (mode) => {
      u = await engineUnit({ mode, wrapUpSec: 1 });
      const forTwo = u.ledger.addLead(labNumber(9, 3, 1), { assignedAgentId: 2 });
      const forThree = u.ledger.addLead(labNumber(9, 3, 2), { assignedAgentId: 3 });
      await u.start();
      await u.login(1);
      await u.login(2);
      if (mode === 'predictive') u.pacer.dial(2);
      await u.until('the owned call', () => u.calls.ofLead(forTwo)[0]?.ended_at !== undefined, 20_000);
      const c = u.calls.ofLead(forTwo)[0];
      // Reserved before the originate: the row names the owner from the start, and the bridge.
      expect(c?.agent_id).toBe(2);
      expect(c?.bridged_at).toBeDefined();
      expect(u.agentStates.states.filter((s) => s.agentId === 1 && s.state === 'on-call')).toEqual([]);
      // agent3 is not logged in here: nobody else dialled their confidential lead.
      expect(u.calls.ofLead(forThree)).toEqual([]);
      const held = u.ledger.lead(forThree).life;
      expect([held.status, held.attempts]).toEqual(['new', 0]);
      expect(held.nextAttemptAt?.getTime()).toBeGreaterThanOrEqual(START + OWNER_ABSENT_RETRY_MS);
    },
  );

  it('an owner who is busy gets their lead when free again (held 30 s, never given to another)', async () => {
    u = await engineUnit({ mode: 'progressive', wrapUpSec: 0 });
    const talk = u.ledger.addLead(labNumber(9, 20, 1));
    await u.start();
    await u.login(2);
    await u.until('agent2 on the call', () => u.agent(2)?.status.state === 'on-call', 5_000);
    const owned = u.ledger.addLead(labNumber(9, 3, 2), { assignedAgentId: 2 });
    await u.login(1);
    await u.until('the owned lead held', () => u.ledger.lead(owned).life.nextAttemptAt !== null, 5_000);
    const heldAt = u.clock.now();
    expect(u.ledger.lead(owned).life.nextAttemptAt?.getTime()).toBe(heldAt + OWNER_BUSY_RETRY_MS);
    await u.until('the owned lead dialled', () => u.calls.ofLead(owned).length === 1, 60_000);
    expect(u.calls.ofLead(owned)[0]?.agent_id).toBe(2);
    expect(u.calls.ofLead(talk)[0]?.ended_at).toBeDefined();
  });
});

describe('engine unit tier: orphan takeover', () => {
  let u: EngineUnit;
  afterEach(async () => u?.stop());

  it('a new lease holder ends the calls a lost process left open, and never dials their attempts again', async () => {
    u = await engineUnit({ mode: 'predictive' });
    const answered = u.ledger.addLead(labNumber(9, 30, 1));
    const ringing = u.ledger.addLead(labNumber(2, 0, 2));
    // What the lost process left: both claimed, both with a call row, neither ended.
    const claimed = await u.ledger.claim(10, new Date(START));
    for (const { attempt } of claimed) {
      await u.calls.reserve({
        id: attempt.callId,
        campaign_id: CAMPAIGN_ID,
        lead_id: attempt.leadId,
        attempt: attempt.attempt,
        phone_e164: attempt.phone,
        trunk: 'unit',
        pbx_node: 'fake',
      });
    }
    const [a, r] = claimed.map((c) => c.attempt.callId);
    await u.calls.update(a ?? '', { answered_at: new Date(START - 5_000) });
    const hangup = vi.spyOn(u.pbx, 'hangup');
    const originate = vi.spyOn(u.pbx, 'originate');
    await u.start();
    await u.advance(500);
    expect(hangup.mock.calls.map(([id]) => id).sort()).toEqual([a, r].sort());
    expect(u.calls.rows.get(a ?? '')).toMatchObject({ outcome: 'answered', failure: ORPHAN_FAILURE });
    expect(u.calls.rows.get(r ?? '')).toMatchObject({ outcome: 'failed', failure: ORPHAN_FAILURE });
    // The leads move on by the retry rules (`orphaned`): the attempt is used, the next is later.
    for (const id of [answered, ringing]) {
      const l = u.ledger.lead(id).life;
      expect([l.status, l.attempts]).toEqual(['scheduled', 1]);
      expect(l.nextAttemptAt?.getTime()).toBeGreaterThan(u.clock.now());
    }
    u.pacer.dial(5);
    await u.advance(2_000);
    expect(originate).not.toHaveBeenCalled();
  });
});
