import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaignHistory } from '../../src/reports/campaign-history.js';
import { createTestDb, type TestDb } from '../support/db.js';

describe('loadCampaignHistory (real Postgres)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('turns call rows and agent states into answer shares and time samples', async () => {
    const [agent] = await t
      .db('agents')
      .insert({ username: 'a', display_name: 'A' })
      .returning<{ id: number }[]>('id');
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'h', name: 'H', purpose: 'care' })
      .returning<{ id: number }[]>('id');
    const t0 = new Date('2026-11-24T10:00:00Z').getTime();
    const at = (s: number) => new Date(t0 + s * 1000);
    const rows = [
      { outcome: 'answered', originated_at: at(0), answered_at: at(8), bridged_at: at(8), ended_at: at(68) },
      { outcome: 'machine', originated_at: at(0), answered_at: at(5), ended_at: at(9) },
      { outcome: 'busy', originated_at: at(0), ended_at: at(2) },
      { outcome: 'no-answer', originated_at: at(0), ended_at: at(25) },
    ];
    for (const [i, r] of rows.entries()) {
      const [lead] = await t
        .db('leads')
        .insert({ campaign_id: c?.id, phone_e164: `+1555555000${i}`, timezone: 'UTC' })
        .returning<{ id: number }[]>('id');
      await t.db('calls').insert({
        id: `h${i}`,
        campaign_id: c?.id,
        lead_id: lead?.id,
        attempt: 1,
        phone_e164: `+1555555000${i}`,
        ...r,
      });
    }
    await t.db('agent_state_events').insert([
      { agent_id: agent?.id, campaign_id: c?.id, state: 'on-call', at: at(8) },
      { agent_id: agent?.id, campaign_id: c?.id, state: 'wrap-up', at: at(68) },
      { agent_id: agent?.id, campaign_id: c?.id, state: 'ready', at: at(80) },
    ]);
    const h = await loadCampaignHistory(t.db, c?.id ?? 0, 'h');
    expect(h).toMatchObject({
      campaign: 'h',
      agents: 1,
      dials: 4,
      humanAnswers: 1,
      machineAnswers: 1,
      busy: 1,
    });
    expect([...h.ringSeconds].sort((a, b) => a - b)).toEqual([5, 8]);
    expect(h.talkSeconds).toEqual([60]);
    expect(h.wrapSeconds).toEqual([12]);
  });
});
