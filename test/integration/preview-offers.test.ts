import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferView } from '../../src/domain/preview/offer.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { strandedAttempts } from '../../src/store/lead-ledger/index.js';
import { PgOfferStore } from '../../src/store/preview-offers.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { deleteRedisPrefix } from '../support/redis-keys.js';
import { startWorker as startChild } from '../support/child-worker.js';
import { assignAllAgents } from '../support/accounts.js';

const startWorker = async (settings: object): Promise<ChildProcess> =>
  (await startChild('test/support/preview-worker.ts', settings)).child;

interface OfferRow {
  id: number;
  lead_id: number;
  agent_id: number;
  call_id: string;
  status: string;
  reason: string | null;
}

/**
 * The offer store on real Postgres: Postgres itself refuses a second open offer for a lead or an
 * agent, however many writers race; the stranded-attempt sweep leaves offered leads alone; and
 * offers survive a kill -9 of the process that made them.
 */
describe('preview offers (real Postgres and Redis)', () => {
  let t: TestDb;
  const agentIds: number[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    for (let i = 1; i <= 8; i++) {
      const [row] = await t
        .db('agents')
        .insert({ username: `agent${i}`, display_name: `A${i}`, sip_endpoint: `agent/${i}` })
        .returning<{ id: number }[]>('id');
      agentIds.push(row?.id ?? 0);
    }
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await t?.drop();
  });

  async function campaign(engine: Record<string, unknown> = {}): Promise<number> {
    const id = 100_000 + Math.floor(Math.random() * 1e8);
    await t.db('campaigns').insert({
      id,
      code: `pv-${id}`,
      name: 'Preview',
      status: 'active',
      purpose: 'care',
      dial_mode: 'preview',
      settings: { engine, window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } },
    });
    return id;
  }
  async function claimed(campaignId: number, n: number): Promise<{ id: number; phone_e164: string }[]> {
    return t
      .db('leads')
      .insert(
        Array.from({ length: n }, (_, i) => ({
          campaign_id: campaignId,
          phone_e164: `+1555555${String(1000 + i)}`,
          timezone: 'UTC',
          status: 'dialling',
          attempts: 1,
        })),
      )
      .returning<{ id: number; phone_e164: string }[]>(['id', 'phone_e164']);
  }
  const attemptOf = (campaignId: number, l: { id: number; phone_e164: string }) => ({
    callId: `c${campaignId}-l${l.id}-a1`,
    campaignId,
    leadId: l.id,
    attempt: 1,
    phone: l.phone_e164,
  });

  it('Postgres refuses a second open offer for a lead or an agent, whoever races', async () => {
    const c = await campaign();
    const [one, ...others] = await claimed(c, 7);
    if (!one) throw new Error('no lead');
    const store = new PgOfferStore(t.db);
    const at = new Date();
    // Eight agents, each on its own connection, race for one lead.
    const race = await Promise.all(
      agentIds.map((agentId) => store.create({ attempt: attemptOf(c, one), agentId, at, autoDialAt: null })),
    );
    const winners = race.filter((r) => r !== undefined);
    expect(winners).toHaveLength(1);
    // One agent races for six leads at once: one offer at a time.
    const agent = agentIds.find((a) => a !== winners[0]?.agentId) ?? 0;
    const many = await Promise.all(
      others.map((l) => store.create({ attempt: attemptOf(c, l), agentId: agent, at, autoDialAt: null })),
    );
    expect(many.filter((r) => r !== undefined)).toHaveLength(1);
    expect(
      await t.db('preview_offers').where({ campaign_id: c, status: 'offered' }).count({ n: '*' }),
    ).toEqual([{ n: 2 }]);
    // Once closed, the lead and the agent can have a new offer.
    const first = winners[0];
    if (!first) throw new Error('no winner');
    expect(await store.returnOffer(first, 'test', at)).toBe(true);
    expect(await store.returnOffer(first, 'test again', at)).toBe(false);
    await t.db('leads').where({ id: one.id }).update({ status: 'dialling', attempts: 1 });
    const again = await store.create({
      attempt: attemptOf(c, one),
      agentId: first.agentId,
      at,
      autoDialAt: null,
    });
    expect(again?.id).toBeGreaterThan(first.id);
    // Only one of two conflicting actions on an open offer wins.
    const [dialled, skipped] = await Promise.all([
      store.markDialled(again?.id ?? 0, at),
      store.skip(again!, { offerId: again?.id ?? 0, reason: 'not-now' }, { kind: 'later', at }, at),
    ]);
    expect([dialled, skipped].filter(Boolean)).toHaveLength(1);
  });

  it('the stranded-attempt sweep does not requeue a lead an agent is reading', async () => {
    const c = await campaign();
    const [reading, stranded] = await claimed(c, 2);
    if (!reading || !stranded) throw new Error('no leads');
    const store = new PgOfferStore(t.db);
    await store.create({
      attempt: attemptOf(c, reading),
      agentId: agentIds[7] ?? 0,
      at: new Date(),
      autoDialAt: null,
    });
    await t
      .db('leads')
      .whereIn('id', [reading.id, stranded.id])
      .update({ updated_at: new Date(Date.now() - 600_000) });
    const found = await strandedAttempts(t.db, c, new Date(Date.now() - 120_000), new Set());
    expect(found.map((f) => f.attempt.leadId)).toEqual([stranded.id]);
  });

  it('after kill -9 an open offer goes back to its own agent; one whose agent stays away goes to the list', async () => {
    const c = await campaign({ previewHoldSec: 8 });
    await t.db('leads').insert(
      ['+15555552001', '+15555552002'].map((phone_e164) => ({
        campaign_id: c,
        phone_e164,
        timezone: 'UTC',
      })),
    );
    const prefix = `pv-restart-${Date.now().toString(36)}`;
    const recordingsRoot = mkdtempSync(join(tmpdir(), 'dialer-rec-'));
    const worker = await startWorker({
      name: 'pv-worker',
      dbUrl: t.url,
      prefix,
      recordingsRoot,
      campaignId: c,
      agents: ['agent1', 'agent2'],
    });
    children.push(worker);
    const before = await t
      .db('preview_offers')
      .where({ campaign_id: c })
      .orderBy('id')
      .select<OfferRow[]>('*');
    expect(before.map((o) => o.status)).toEqual(['offered', 'offered']);
    const ofAgent = (id: number | undefined) => before.find((o) => o.agent_id === id);
    const kept = ofAgent(agentIds[0]);
    const away = ofAgent(agentIds[1]);
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));

    // The next process: agent1 comes back, agent2 does not, agent3 is new.
    const { app } = engineTestApp(t, 'pv-restart', { prefix, driver: () => new FakePbxDriver() });
    const registry = app.engines();
    try {
      await registry.start(c);
      await assignAllAgents(t.db, c);
      await registry.login('agent3', c);
      await registry.login('agent1', c);
      const desk = async (u: string) => registry.previewDesk(u);
      const offerFor = async (u: string, waitMs: number): Promise<OfferView | null> => {
        const { desk: d, agentId } = await desk(u);
        return (await d.current(agentId, waitMs)).offer;
      };
      let back: OfferView | null = null;
      for (let i = 0; i < 15 && !back; i++) back = await offerFor('agent1', 1_000);
      expect(back?.offerId).toBe(kept?.id);
      expect(back?.callId).toBe(kept?.call_id);
      // agent2's lead is kept for agent2 a while: agent3 gets nothing yet.
      expect(await offerFor('agent3', 0)).toBeNull();
      let handedOn: OfferView | null = null;
      for (let i = 0; i < 20 && !handedOn; i++) handedOn = await offerFor('agent3', 1_000);
      expect(handedOn?.lead.id).toBe(away?.lead_id);
      // Its attempt was given back, so it is offered under the same attempt id.
      expect(handedOn?.callId).toBe(away?.call_id);
      const after = await t
        .db('preview_offers')
        .where({ campaign_id: c })
        .orderBy('id')
        .select<OfferRow[]>('*');
      expect(
        after.map((o) => [o.id === kept?.id || o.id === away?.id ? 'old' : 'new', o.status, o.reason]),
      ).toEqual([
        ['old', 'offered', null],
        ['old', 'returned', 'agent away'],
        ['new', 'offered', null],
      ]);
      expect(await t.db('calls').where({ campaign_id: c }).count({ n: '*' })).toEqual([{ n: 0 }]);
    } finally {
      await registry.stopAll(2_000);
      await app.close();
      // The prefix and folder were shared with the killed worker: this test removes them.
      await deleteRedisPrefix(prefix);
      rmSync(recordingsRoot, { recursive: true, force: true });
    }
    // A clean stop gives every open offer back.
    expect(
      await t.db('preview_offers').where({ campaign_id: c, status: 'offered' }).count({ n: '*' }),
    ).toEqual([{ n: 0 }]);
    // Never dialled: back to the fresh leads, their attempt not counted.
    expect(await t.db('leads').where({ campaign_id: c }).orderBy('id').pluck('status')).toEqual([
      'new',
      'new',
    ]);
  });
});
