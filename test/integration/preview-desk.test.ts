import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labNumber } from '../../src/lab/number-plan.js';
import { startPreviewHarness, type PreviewHarness } from '../support/preview-harness.js';

/**
 * The preview desk over real Postgres and Redis (BullMQ hopper, Redis lease), with the fake PBX
 * behind the engine: the offer and its record, confidentiality, racing agents, owners of leads,
 * auto-dial, and who may use the API for whom.
 */
describe('preview desk (real Postgres and Redis)', () => {
  let h: PreviewHarness;
  beforeAll(async () => {
    h = await startPreviewHarness('preview-desk');
  });
  afterAll(async () => h?.stop());

  it('offers the next lead with its record; an agent cannot read another agent’s offer', async () => {
    const c = await h.campaign({}, 'Good morning, this is Acme Care. First confirm the account holder.');
    const past = new Date(Date.now() - 60_000);
    const [id] = await h.leads(c, [
      {
        name: 'Mei Tanaka',
        timezone: 'Asia/Tokyo',
        attributes: { plan: 'gold', contract: 'K-1001' },
        attempts: 1,
        status: 'callback',
        next_attempt_at: past,
      },
    ]);
    const earlier = new Date(Date.now() - 3 * 86_400_000);
    await h.t.db('calls').insert({
      id: `c${c}-l${id}-a1`,
      campaign_id: c,
      lead_id: id,
      attempt: 1,
      phone_e164: (await h.t.db('leads').where({ id }).first<{ phone_e164: string }>('phone_e164'))
        .phone_e164,
      agent_id: h.agentIds['agent2'],
      reserved_at: earlier,
      bridged_at: new Date(earlier.getTime() + 5_000),
      ended_at: new Date(earlier.getTime() + 65_000),
      outcome: 'answered',
    });
    await h.t.db('dispositions').insert({
      call_id: `c${c}-l${id}-a1`,
      agent_id: h.agentIds['agent2'],
      code: 'callback',
      notes: 'asked to be called after the holidays',
    });
    await h.t
      .db('callbacks')
      .insert({ campaign_id: c, lead_id: id, due_at: past, note: 'after the holidays' });
    await h.login('agent1', c);
    try {
      const { offer, agentState } = await h.offerOf('agent1');
      expect(agentState).toBe('reserved');
      expect(offer).toMatchObject({
        callId: `c${c}-l${id}-a2`,
        attempt: 2,
        autoDialAt: null,
        lead: {
          id,
          name: 'Mei Tanaka',
          attributes: { plan: 'gold', contract: 'K-1001' },
          timezone: 'Asia/Tokyo',
        },
        campaign: { id: c, script: 'Good morning, this is Acme Care. First confirm the account holder.' },
        callbacks: [{ kind: 'callback', note: 'after the holidays', owner: null }],
        history: [
          {
            callId: `c${c}-l${id}-a1`,
            attempt: 1,
            outcome: 'answered',
            talkSeconds: 60,
            agent: 'agent2',
            disposition: { code: 'callback', notes: 'asked to be called after the holidays' },
          },
        ],
      });
      expect(offer?.lead.localTime).toMatch(/\+09:00$/);
      expect(offer?.skipReasons.map((r) => r.code)).toContain('not-now');
      // Confidential: another agent may not read it; a supervisor may.
      expect((await h.api('agent2', 'GET', '/api/agents/agent1/offer')).statusCode).toBe(403);
      expect((await h.offerOf('agent1', 0, 'sup')).offer?.offerId).toBe(offer?.offerId);
      const stored = await h.t.db('preview_offers').where({ id: offer?.offerId }).first<object>();
      expect(stored).toMatchObject({
        agent_id: h.agentIds['agent1'],
        lead_id: id,
        attempt: 2,
        status: 'offered',
      });
      const reserved = await h.t
        .db('agent_state_events')
        .where({ agent_id: h.agentIds['agent1'], campaign_id: c, state: 'reserved' })
        .pluck('call_id');
      expect(reserved).toEqual([offer?.callId]);
    } finally {
      const out = await h.logout('agent1');
      expect(out.statusCode, out.body).toBe(200);
    }
    // Logging out gave the lead back: still a callback, the attempt not counted.
    expect(await h.lead(id ?? 0)).toMatchObject({ status: 'callback', attempts: 1 });
  });

  it('never offers one lead to two agents, however they race', async () => {
    const c = await h.campaign();
    const [id] = await h.leads(c, [{}]);
    await h.login('agent1', c);
    await h.login('agent2', c);
    try {
      for (let round = 0; round < 5; round++) {
        const replies = await Promise.all([
          h.offerOf('agent1', 1),
          h.offerOf('agent2', 1),
          h.offerOf('agent1', 0),
        ]);
        const holders = new Set(replies.filter((r) => r.offer).map((r) => r.offer?.lead.id));
        expect([...holders]).toEqual([id]);
        expect(replies.filter((r) => r.agentState === 'reserved').length).toBeGreaterThanOrEqual(1);
      }
      const rows = await h.offersOf(id ?? 0);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.status).toBe('offered');
    } finally {
      await h.logout('agent1');
      await h.logout('agent2');
    }
  });

  it('gives an owned callback to its owner and a confidential lead to no one else', async () => {
    const c = await h.campaign();
    const past = new Date(Date.now() - 1_000);
    const [owned, absentOwners, free] = await h.leads(c, [
      { status: 'callback', next_attempt_at: past },
      { assigned_agent_id: h.agentIds['agent3'] },
      {},
    ]);
    await h.t
      .db('callbacks')
      .insert({ campaign_id: c, lead_id: owned, due_at: past, agent_id: h.agentIds['agent2'] });
    // agent1 has waited longest, so the hopper's first lead comes up on agent1's turn.
    await h.login('agent1', c);
    await h.login('agent2', c);
    try {
      const [a1, a2] = await Promise.all([h.offerOf('agent1'), h.offerOf('agent2')]);
      expect(a2.offer?.lead.id).toBe(owned);
      expect(a1.offer?.lead.id).toBe(free);
      await h.api('agent1', 'POST', '/api/agents/agent1/offer/skip', {
        offerId: a1.offer?.offerId,
        reason: 'not-now',
      });
      expect((await h.offerOf('agent1', 1)).offer).toBeNull();
      // agent3's record was never offered: put back for agent3, attempt not counted.
      expect(await h.offersOf(absentOwners ?? 0)).toEqual([]);
      const held = await h.lead(absentOwners ?? 0);
      expect(held).toMatchObject({ status: 'new', attempts: 0 });
      expect(held?.next_attempt_at?.getTime() ?? 0).toBeGreaterThan(Date.now() + 60_000);
    } finally {
      await h.logout('agent1');
      await h.logout('agent2');
    }
  });

  it('dials by itself after previewSeconds: the customer is bridged to the agent, one call row', async () => {
    const c = await h.campaign({ previewSeconds: 1 });
    const [id] = await h.t
      .db('leads')
      .insert({ campaign_id: c, phone_e164: labNumber(9, 2, 7, 292), timezone: 'UTC' })
      .returning<{ id: number }[]>('id')
      .then((r) => r.map((x) => x.id));
    await h.login('agent1', c);
    try {
      const offer = (await h.offerOf('agent1')).offer;
      expect(offer?.lead.id).toBe(id);
      expect(Date.parse(offer?.autoDialAt ?? '') - Date.parse(offer?.offeredAt ?? '')).toBe(1_000);
      let call:
        { ended_at: Date | null; bridged_at: Date | null; agent_id: number; outcome: string } | undefined;
      for (let i = 0; i < 40 && !call?.ended_at; i++) {
        await new Promise((r) => setTimeout(r, 250));
        call = await h.t.db('calls').where({ id: offer?.callId }).first<typeof call>();
      }
      expect(call).toMatchObject({ agent_id: h.agentIds['agent1'], outcome: 'answered' });
      expect(call?.bridged_at).not.toBeNull();
      expect(await h.offersOf(id ?? 0)).toMatchObject([{ status: 'dialled' }]);
      const late = await h.api('agent1', 'POST', '/api/agents/agent1/offer/dial', {
        offerId: offer?.offerId,
      });
      expect(late.statusCode).toBe(409);
      const d = await h.api('agent1', 'POST', `/api/agents/agent1/calls/${offer?.callId}/disposition`, {
        code: 'completed',
      });
      expect(d.statusCode, d.body).toBe(201);
      expect(await h.callsOf(c)).toHaveLength(1);
    } finally {
      await h.logout('agent1');
    }
  });

  it('refuses preview actions for an agent who is not logged in, or in a campaign that is not preview', async () => {
    const r = await h.api('agent3', 'GET', '/api/agents/agent3/offer');
    expect(r.statusCode).toBe(404);
    const id = 100_000 + Math.floor(Math.random() * 1e8);
    await h.t
      .db('campaigns')
      .insert({ id, code: `prog-${id}`, name: 'P', status: 'active', purpose: 'care' });
    await h.app.accounts.assignments.assign('agent3', String(id), 'test');
    await h.login('agent3', id);
    try {
      const p = await h.api('agent3', 'GET', '/api/agents/agent3/offer');
      expect(p.statusCode).toBe(409);
      expect(p.json<{ error: string }>().error).toMatch(/not a preview campaign/);
      const tooLong = await h.api('agent3', 'GET', '/api/agents/agent3/offer?wait=99');
      expect(tooLong.statusCode).toBe(400);
      // The error names the query, not "(body)".
      expect(tooLong.json<{ error: string }>().error).toMatch(/^wait \(query\): /);
    } finally {
      await h.logout('agent3');
    }
  });
});
