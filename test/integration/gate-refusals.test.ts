import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { apiKeyLookup, hashKey } from '../../src/http/auth.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { PgComplianceGate } from '../../src/store/gate-facts.js';
import { PgRefusalHistory, pruneRefusals, refusalReport } from '../../src/store/gate-refusals.js';
import { claimLeads, PgAttemptLedger } from '../../src/store/lead-ledger/index.js';
import { createCampaign, getCampaign, rulesOf } from '../../src/store/repositories/campaigns.js';
import { addDnc, addToBlacklist } from '../../src/store/repositories/dnc.js';
import { createTestDb, type TestDb } from '../support/db.js';

/**
 * Every refusal of the gate is a stored fact (issue #19): the ledger writes it with the lead's
 * move, the history reads it by number and by lead, the API serves it, retention prunes it.
 */
describe('gate refusals: stored with the lead, read by number, pruned', () => {
  let t: TestDb;
  let app: App;
  let server: ReturnType<typeof buildServer>;
  let campaignId = 0;
  const ids: Record<string, number> = {};
  // Wednesday 2026-06-10 07:00 in New York: Chicago and Los Angeles are before 08:00.
  const NOW = new Date('2026-06-10T12:30:00Z');
  const key = 'k-sup';

  beforeAll(async () => {
    t = await createTestDb();
    const c = await createCampaign(t.db, { code: 'refuse', name: 'Refuse', purpose: 'marketing' });
    await t.db('campaigns').where({ id: c.id }).update({ status: 'active' });
    campaignId = c.id;
    const leads = {
      allowed: ['+12125550101', 'America/New_York'],
      dnc: ['+12125550102', 'America/New_York'],
      black: ['+12125550103', 'America/New_York'],
      early: ['+13105550104', 'America/Los_Angeles'],
    };
    for (const [name, [phone, timezone]] of Object.entries(leads)) {
      const [r] = await t
        .db('leads')
        .insert({ campaign_id: campaignId, phone_e164: phone, timezone })
        .returning<{ id: number }[]>('id');
      ids[name] = r!.id;
    }
    await addDnc(t.db, { phone: '+12125550102', type: 'marketing', source: 'test', actor: 'test' });
    await addToBlacklist(t.db, { phone: '+12125550103', reason: 'complaint', actor: 'test' });
    const base = loadConfig({ env: {}, file: undefined, cwd: process.cwd() });
    app = createApp(
      { ...base, database: { url: t.url } },
      { logger: createLogger({ level: 'warn', name: 'refusals' }) },
    );
    server = buildServer({
      logger: app.logger,
      registry: app.engines(),
      authenticate: apiKeyLookup([
        { name: 's', role: 'supervisor', sha256: hashKey(key) },
        { name: 'a', role: 'agent', agent: 'x', sha256: hashKey('k-agent') },
      ]),
      ready: () => Promise.resolve([]),
      refusals: app.refusals,
    });
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await t?.drop();
  });

  it('keeps each refusal with its reason, facts and next eligible time; none for the allowed lead', async () => {
    const ledger = new PgAttemptLedger(t.db, campaignId, rulesOf(await getCampaign(t.db, campaignId)));
    const gate = new PgComplianceGate(t.db);
    const claimed = await claimLeads(t.db, campaignId, 10, NOW);
    expect(claimed).toHaveLength(4);
    for (const { attempt } of claimed) {
      const v = await gate.check(attempt, NOW);
      if (!v.allowed) await ledger.refused(attempt, v, NOW);
      // The same attempt refused again (a second hand-off) is already settled: no second row.
      if (!v.allowed) await ledger.refused(attempt, v, NOW);
    }
    const rows = await t
      .db('gate_refusals')
      .orderBy('lead_id')
      .select('lead_id', 'campaign_id', 'attempt', 'reason', 'facts', 'decided_at', 'next_eligible_at');
    expect(rows).toEqual([
      {
        lead_id: ids['dnc'],
        campaign_id: campaignId,
        attempt: 1,
        reason: 'dnc:marketing',
        facts: { timezone: 'America/New_York', attempts: 0, dncTypes: ['marketing'], purpose: 'marketing' },
        decided_at: NOW,
        next_eligible_at: null,
      },
      {
        lead_id: ids['black'],
        campaign_id: campaignId,
        attempt: 1,
        reason: 'blacklist',
        facts: { timezone: 'America/New_York', attempts: 0, blacklisted: true },
        decided_at: NOW,
        next_eligible_at: null,
      },
      {
        lead_id: ids['early'],
        campaign_id: campaignId,
        attempt: 1,
        reason: 'outside-window',
        facts: {
          timezone: 'America/Los_Angeles',
          attempts: 0,
          windowZone: 'America/Los_Angeles',
          window: '08:00-21:00',
          localTime: '2026-06-10 05:30 Wed',
          holidays: [],
        },
        decided_at: NOW,
        // 08:00 PDT.
        next_eligible_at: new Date('2026-06-10T15:00:00Z'),
      },
    ]);
    const status = await t
      .db('leads')
      .whereIn('id', Object.values(ids))
      .select<{ id: number; status: string; next_attempt_at: Date | null }[]>(
        'id',
        'status',
        'next_attempt_at',
      );
    const of = (name: string) => status.find((s) => s.id === ids[name]);
    expect(of('dnc')).toMatchObject({ status: 'dnc' });
    expect(of('black')).toMatchObject({ status: 'blocked' });
    expect(of('early')).toMatchObject({
      status: 'scheduled',
      next_attempt_at: new Date('2026-06-10T15:00:00Z'),
    });
    expect(of('allowed')).toMatchObject({ status: 'dialling' });
  });

  it('answers "why was this number never called" by number and by lead, and over the API', async () => {
    const history = new PgRefusalHistory(t.db);
    const [lead] = await history.ofPhone('+13105550104');
    expect(lead).toMatchObject({
      leadId: ids['early'],
      campaignCode: 'refuse',
      status: 'scheduled',
      calls: 0,
      refusals: [
        {
          callId: `c${campaignId}-l${ids['early']}-a1`,
          reason: 'outside-window',
          decidedAt: NOW,
          nextEligibleAt: new Date('2026-06-10T15:00:00Z'),
        },
      ],
    });
    expect((await history.ofLead(ids['allowed']!))?.refusals).toEqual([]);
    const byPhone = await server.inject({
      url: '/api/refusals?phone=%2B12125550102',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(byPhone.statusCode).toBe(200);
    expect(byPhone.json()).toMatchObject({
      phone: '+12125550102',
      leads: [
        {
          leadId: ids['dnc'],
          status: 'dnc',
          refusals: [{ reason: 'dnc:marketing', decidedAt: NOW.toISOString() }],
        },
      ],
    });
    const byLead = await server.inject({
      url: `/api/leads/${ids['black']}/refusals`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(byLead.json()).toMatchObject({ refusals: [{ reason: 'blacklist' }] });
    const agent = await server.inject({
      url: `/api/leads/${ids['black']}/refusals`,
      headers: { authorization: 'Bearer k-agent' },
    });
    expect(agent.statusCode).toBe(403);
    const missing = await server.inject({
      url: '/api/leads/999999/refusals',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(missing.statusCode).toBe(404);
    const bad = await server.inject({
      url: '/api/refusals?phone=12',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('the compliance report counts refused attempts and leads per day and rule, in the asked time zone', async () => {
    const day = (iso: string) => new Date(iso);
    await t.db('gate_refusals').insert(
      [
        [ids['early'], 'outside-window', '2026-05-01T03:00:00Z'], // 2026-04-30 in New York
        [ids['early'], 'outside-window', '2026-05-01T13:00:00Z'],
        [ids['dnc'], 'dnc:marketing', '2026-05-01T13:00:00Z'],
        [ids['early'], 'outside-window', '2026-05-02T13:00:00Z'],
      ].map(([lead, reason, at]) => ({
        campaign_id: campaignId,
        lead_id: lead,
        attempt: 1,
        reason,
        decided_at: day(at as string),
      })),
    );
    const range = {
      from: day('2026-04-30T04:00:00Z'),
      to: day('2026-05-02T04:00:00Z'),
      timezone: 'America/New_York',
    };
    expect(await refusalReport(t.db, campaignId, range)).toEqual([
      { day: '2026-04-30', reason: 'outside-window', refusals: 1, leads: 1 },
      { day: '2026-05-01', reason: 'dnc:marketing', refusals: 1, leads: 1 },
      { day: '2026-05-01', reason: 'outside-window', refusals: 1, leads: 1 },
    ]);
    const utc = await refusalReport(t.db, campaignId, { ...range, timezone: 'UTC' });
    expect(utc.find((r) => r.day === '2026-05-01' && r.reason === 'outside-window')).toMatchObject({
      refusals: 2,
      leads: 1,
    });
    await t.db('gate_refusals').where('decided_at', '<', day('2026-05-03T00:00:00Z')).delete();
  });

  it('retention deletes refusals decided before the cut-off, in batches, and keeps the rest', async () => {
    await t.db('gate_refusals').insert(
      Array.from({ length: 25 }, (_, i) => ({
        campaign_id: campaignId,
        lead_id: ids['allowed'],
        attempt: 1,
        reason: 'outside-window',
        decided_at: new Date(NOW.getTime() - (i + 1) * 86_400_000),
      })),
    );
    // 10 of them are older than 15 days.
    expect(await pruneRefusals(t.db, new Date(NOW.getTime() - 15.5 * 86_400_000), 4)).toBe(10);
    expect(await t.db('gate_refusals').count<{ count: number }[]>('* as count')).toEqual([{ count: 18 }]);
  });
});
