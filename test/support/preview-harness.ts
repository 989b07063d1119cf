import { expect } from 'vitest';
import type { OfferView } from '../../src/domain/preview/offer.js';
import { buildServer } from '../../src/http/server.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { createTestDb, type TestDb } from './db.js';
import { engineTestApp } from './engine-app.js';

export type OfferReply = { offer: OfferView | null; agentState: string };

/**
 * The preview desk for integration tests: a fresh database, the engine on the fake PBX (the
 * trunk dials `lab/{number}`) with real Postgres and Redis, the HTTP API with keys for
 * agent1..agent3 (each only as themselves) and a supervisor (`sup`), and helpers to make
 * campaigns and leads and read back what the desk stored.
 */
export async function startPreviewHarness(name: string) {
  const t: TestDb = await createTestDb();
  const made = engineTestApp(t, name, {
    config: { trunks: [{ name: 'lab-carrier', node: 'lab', dial: 'lab/{number}', maxChannels: 10, cps: 5 }] },
    driver: () => new FakePbxDriver(),
  });
  const app = made.app;
  const pbx = await made.pbx();
  const agentIds: Record<string, number> = {};
  const keys: Record<string, string> = {};
  for (const i of [1, 2, 3]) {
    const [row] = await t
      .db('agents')
      .insert({ username: `agent${i}`, display_name: `A${i}`, sip_endpoint: `agent/${i}` })
      .returning<{ id: number }[]>('id');
    agentIds[`agent${i}`] = row?.id ?? 0;
    keys[`agent${i}`] = (await app.accounts.keys.add({ name: `a${i}`, owner: `agent${i}` }, 'test')).key;
  }
  await app.accounts.users.create({ username: 'sup', role: 'supervisor' }, 'test');
  keys['sup'] = (await app.accounts.keys.add({ name: 's', owner: 'sup' }, 'test')).key;
  const registry = app.engines();
  const server = buildServer({
    logger: app.logger,
    registry,
    accounts: app.accounts,
    ready: () => Promise.resolve([]),
    webRoot: false,
  });

  const api = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    server.inject({ method, url, headers: { authorization: `Bearer ${keys[who]}` }, payload });
  let serial = 0;
  return {
    t,
    app,
    /** The fake PBX the campaign dials on. */
    pbx,
    agentIds,
    api,
    /** GET the agent's offer (long poll `wait` seconds), as `as` (default: the agent). */
    async offerOf(agent: string, wait = 5, as = agent): Promise<OfferReply> {
      const r = await api(as, 'GET', `/api/agents/${agent}/offer?wait=${wait}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json<OfferReply>();
    },
    async login(agent: string, campaignId: number): Promise<void> {
      const r = await api(agent, 'POST', `/api/agents/${agent}/login`, { campaignId });
      expect(r.statusCode, r.body).toBe(200);
    },
    logout: (agent: string) => api(agent, 'POST', `/api/agents/${agent}/logout`),
    /** An active preview campaign, open all day, with `engine` settings on top of test defaults. */
    async campaign(engine: Record<string, unknown> = {}, script?: string): Promise<number> {
      const id = 100_000 + Math.floor(Math.random() * 1e8);
      await t.db('campaigns').insert({
        id,
        code: `pv-${id}`,
        name: 'Preview',
        status: 'active',
        purpose: 'care',
        dial_mode: 'preview',
        trunk: 'lab-carrier',
        script: script ?? null,
        settings: {
          engine: { ringTimeoutSec: 15, wrapUpSec: 1, amd: false, ...engine },
          window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
        },
      });
      // The agents and the supervisor work it (agents log in only to their campaigns).
      for (const u of ['agent1', 'agent2', 'agent3', 'sup'])
        await app.accounts.assignments.assign(u, String(id), 'test');
      return id;
    },
    /** Leads in this order (ids ascending), with distinct lab numbers unless given. */
    async leads(campaignId: number, rows: Record<string, unknown>[]): Promise<number[]> {
      const inserted = await t
        .db('leads')
        .insert(
          rows.map((r) => ({
            campaign_id: campaignId,
            phone_e164: labNumber(9, 2, serial++ % 10, 200 + Math.floor(serial / 10)),
            timezone: 'UTC',
            ...r,
          })),
        )
        .returning<{ id: number }[]>('id');
      return inserted.map((r) => r.id);
    },
    lead: (id: number | undefined) =>
      t
        .db('leads')
        .where({ id: id ?? 0 })
        .first<{ status: string; attempts: number; next_attempt_at: Date | null }>(
          'status',
          'attempts',
          'next_attempt_at',
        ),
    offersOf: (leadId: number | undefined) =>
      t
        .db('preview_offers')
        .where({ lead_id: leadId ?? 0 })
        .orderBy('id')
        .select<
          { id: number; agent_id: number; status: string; reason: string | null; note: string | null }[]
        >('id', 'agent_id', 'status', 'reason', 'note'),
    callsOf: (campaignId: number) => t.db('calls').where({ campaign_id: campaignId }).select('*'),
    async stop(): Promise<void> {
      await registry.stopAll(2_000);
      await server.close();
      await pbx.close();
      await app.close();
      await t.drop();
    },
  };
}

export type PreviewHarness = Awaited<ReturnType<typeof startPreviewHarness>>;
