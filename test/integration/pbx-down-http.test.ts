import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildServer } from '../../src/http/server.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { seedUser, signIn, type TestSession } from '../support/accounts.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { startPreviewHarness } from '../support/preview-harness.js';

/** A PBX that refuses every connection, as Asterisk does while it is down. */
class DownPbx extends FakePbxDriver {
  override connect(): Promise<void> {
    return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8088'));
  }
}

/**
 * Issue #11's probe: an agent's login with the PBX down was a 500, and a preview dial with the
 * PBX down answered 202. Both are the PBX's state, not a server fault: 503, saying what to do.
 */
describe('with the PBX down, the API answers 503 (real Postgres, engine registry)', () => {
  let t: TestDb;
  let app: App;
  let server: ReturnType<typeof buildServer>;
  let al: TestSession;

  beforeAll(async () => {
    t = await createTestDb();
    app = engineTestApp(t, 'pbx-down', { driver: () => new DownPbx() }).app;
    await t.db('campaigns').insert({ code: 'down', name: 'Down', status: 'active', purpose: 'care' });
    await seedUser(app.accounts, 'al', 'agent', ['down']);
    server = buildServer({
      logger: app.logger,
      registry: app.engines(),
      accounts: app.accounts,
      ready: () => Promise.resolve([]),
      webRoot: false,
    });
    al = await signIn(server, 'al');
  });
  afterAll(async () => {
    await app?.engines().stopAll(1_000);
    await server?.close();
    await app?.close();
    await t?.drop();
  });

  it('an agent logging in gets 503 naming the PBX node, and can log in once it is back', async () => {
    const r = await server.inject({
      method: 'POST',
      url: '/api/agents/al/login',
      headers: al.headers,
      payload: { campaignId: 'down' },
    });
    expect(r.statusCode, r.body).toBe(503);
    expect(r.json<{ error: string }>().error).toMatch(
      /^PBX node lab is not reachable now \(Error: connect ECONNREFUSED 127\.0\.0\.1:8088\); try again when it is up$/,
    );
    // Nothing half-done: the agent is not counted as logged in anywhere.
    expect(app.engines().campaignOf('al')).toBeUndefined();
  });
});

describe('a preview dial while the PBX does not answer (real Postgres and Redis, fake PBX)', () => {
  let h: Awaited<ReturnType<typeof startPreviewHarness>>;
  beforeAll(async () => {
    h = await startPreviewHarness('pbx-down-preview');
  });
  afterAll(async () => h?.stop());

  it('is refused with 503 before anything is dialled; the offer stays with the agent', async () => {
    const c = await h.campaign();
    await h.leads(c, [{}]);
    await h.login('agent1', c);
    try {
      const offer = (await h.offerOf('agent1')).offer;
      expect(offer).not.toBeNull();
      const health = h.pbx.health.bind(h.pbx);
      h.pbx.health = () => Promise.resolve({ ok: false, detail: 'ARI: connect ECONNREFUSED' });
      const down = await h.api('agent1', 'POST', '/api/agents/agent1/offer/dial', {
        offerId: offer?.offerId,
      });
      expect(down.statusCode, down.body).toBe(503);
      expect(down.json<{ error: string }>().error).toBe(
        'the PBX does not answer now (ARI: connect ECONNREFUSED); the lead stays offered, try again',
      );
      expect(await h.callsOf(c)).toEqual([]);
      expect((await h.offerOf('agent1', 0)).offer?.offerId).toBe(offer?.offerId);
      h.pbx.health = health;
      const up = await h.api('agent1', 'POST', '/api/agents/agent1/offer/dial', { offerId: offer?.offerId });
      expect(up.statusCode, up.body).toBe(202);
    } finally {
      await h.logout('agent1');
    }
  });
});
