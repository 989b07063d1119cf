import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreviewHarness, type PreviewHarness } from '../support/preview-harness.js';

/**
 * What an agent does with an offer, over real Postgres and Redis with the fake PBX: skip with a
 * reason, dial when the gate has changed its mind, pause and log out while holding one.
 */
describe('preview desk actions (real Postgres and Redis)', () => {
  let h: PreviewHarness;
  beforeAll(async () => {
    h = await startPreviewHarness('preview-actions');
  });
  afterAll(async () => h?.stop());

  it('skip: the reason is checked and stored, the lead comes back later, its attempt not counted', async () => {
    const c = await h.campaign({ previewSkipRetryMinutes: 45 });
    const [l1, l2, l3] = await h.leads(c, [{}, {}, {}]);
    await h.login('agent1', c);
    try {
      const first = (await h.offerOf('agent1')).offer;
      expect(first?.lead.id).toBe(l1);
      const skip = (body: object, who = 'agent1') =>
        h.api(who, 'POST', '/api/agents/agent1/offer/skip', body);
      const offerId = first?.offerId ?? 0;
      const bad = await skip({ offerId, reason: 'bored' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ error: string }>().error).toMatch(/^reason: must be one of not-now, /);
      expect((await skip({ offerId, reason: 'other' })).json<{ error: string }>().error).toBe(
        'note: required when reason is "other"',
      );
      const stale = await skip({ offerId: offerId + 1000, reason: 'not-now' });
      expect(stale.statusCode).toBe(409);
      expect(stale.json<{ error: string }>().error).toMatch(/^offerId: /);
      expect((await skip({ offerId, reason: 'not-now' }, 'agent2')).statusCode).toBe(403);

      const before = Date.now();
      const ok = await skip({ offerId, reason: 'not-now', note: 'lunch time where the customer is' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ offerId, callId: first?.callId, reason: 'not-now' });
      expect(await h.offersOf(l1 ?? 0)).toMatchObject([
        { status: 'skipped', reason: 'not-now', note: 'lunch time where the customer is' },
      ]);
      const back = await h.lead(l1 ?? 0);
      expect(back).toMatchObject({ status: 'new', attempts: 0 });
      const due = back?.next_attempt_at?.getTime() ?? 0;
      expect(due).toBeGreaterThanOrEqual(before + 45 * 60_000 - 1_000);
      expect(due).toBeLessThanOrEqual(Date.now() + 45 * 60_000 + 1_000);
      expect(
        await h.t
          .db('audit_log')
          .where({ action: 'preview.skip', entity_id: String(l1) })
          .first('actor'),
      ).toEqual({ actor: 'key:a1' }); // the real actor: agent1's API key

      const second = (await h.offerOf('agent1')).offer;
      expect(second?.lead.id).toBe(l2);
      const closed = await skip({ offerId: second?.offerId, reason: 'existing-customer' });
      expect(closed.json()).toMatchObject({ nextAttemptAt: null });
      expect(await h.lead(l2 ?? 0)).toMatchObject({ status: 'done', attempts: 0, next_attempt_at: null });
      expect((await h.offerOf('agent1')).offer?.lead.id).toBe(l3);
      expect(await h.callsOf(c)).toEqual([]);
    } finally {
      await h.logout('agent1');
    }
    expect(await h.lead(l3 ?? 0)).toMatchObject({ status: 'new', attempts: 0 });
    expect(await h.offersOf(l3 ?? 0)).toMatchObject([{ status: 'returned', reason: 'agent logged out' }]);
  });

  it('asks the gate again at dial: a DNC entry added while the agent reads wins', async () => {
    const c = await h.campaign();
    const [id] = await h.leads(c, [{}]);
    await h.login('agent1', c);
    try {
      const offer = (await h.offerOf('agent1')).offer;
      expect(offer?.lead.id).toBe(id);
      const noId = await h.api('agent1', 'POST', '/api/agents/agent1/offer/dial', {});
      expect(noId.statusCode).toBe(400);
      expect(noId.json<{ error: string }>().error).toMatch(/^offerId: /);
      await h.t.db('dnc_entries').insert({ phone_e164: offer?.lead.phone, type: 'all', source: 'test' });
      const dial = await h.api('agent1', 'POST', '/api/agents/agent1/offer/dial', {
        offerId: offer?.offerId,
      });
      expect(dial.statusCode).toBe(409);
      expect(dial.json()).toEqual({
        error: 'the compliance gate refuses this lead now: dnc:all',
        reason: 'dnc:all',
      });
      expect(await h.callsOf(c)).toEqual([]);
      expect(await h.lead(id ?? 0)).toMatchObject({ status: 'dnc', attempts: 0 });
      expect(await h.offersOf(id ?? 0)).toMatchObject([{ status: 'refused', reason: 'dnc:all' }]);
      const again = await h.api('agent1', 'POST', '/api/agents/agent1/offer/dial', {
        offerId: offer?.offerId,
      });
      expect(again.statusCode).toBe(409);
      expect((await h.offerOf('agent1', 0)).agentState).toBe('ready');
    } finally {
      await h.logout('agent1');
    }
  });

  it('pausing or logging out with an offer gives the lead back; after resuming it is offered again', async () => {
    const c = await h.campaign();
    const [id] = await h.leads(c, [
      { status: 'callback', attempts: 1, next_attempt_at: new Date(Date.now() - 1_000) },
    ]);
    await h.t.db('callbacks').insert({ campaign_id: c, lead_id: id, due_at: new Date(Date.now() - 1_000) });
    await h.login('agent1', c);
    try {
      const first = (await h.offerOf('agent1')).offer;
      expect(first?.callId).toBe(`c${c}-l${id}-a2`);
      const paused = await h.api('agent1', 'POST', '/api/agents/agent1/pause', { code: 'break' });
      expect(paused.statusCode, paused.body).toBe(200);
      // Back at the head of the list as a callback, with its attempt number given back.
      expect(await h.lead(id ?? 0)).toMatchObject({ status: 'callback', attempts: 1 });
      expect(await h.offersOf(id ?? 0)).toMatchObject([{ status: 'returned', reason: 'agent paused' }]);
      expect(await h.offerOf('agent1', 1)).toEqual({ offer: null, agentState: 'paused' });

      expect((await h.api('agent1', 'POST', '/api/agents/agent1/resume')).statusCode).toBe(200);
      const again = (await h.offerOf('agent1')).offer;
      expect(again?.callId).toBe(first?.callId);
      expect(again?.offerId).not.toBe(first?.offerId);
      expect(again?.earlierOffers).toMatchObject([
        { agent: 'agent1', status: 'returned', reason: 'agent paused' },
      ]);
    } finally {
      await h.logout('agent1');
    }
    expect(await h.lead(id ?? 0)).toMatchObject({ status: 'callback', attempts: 1 });
    expect((await h.offersOf(id ?? 0)).map((o) => o.status)).toEqual(['returned', 'returned']);
    expect(await h.callsOf(c)).toEqual([]);
    const states = await h.t
      .db('agent_state_events')
      .where({ agent_id: h.agentIds['agent1'], campaign_id: c })
      .orderBy('id')
      .pluck('state');
    expect(states).toEqual([
      'ready',
      'reserved',
      'ready',
      'paused',
      'ready',
      'reserved',
      'ready',
      'logged-out',
    ]);
  });
});
