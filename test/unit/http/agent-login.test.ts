import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyLookup, hashKey } from '../../../src/http/auth.js';
import { buildServer } from '../../../src/http/server.js';
import { engineUnit, type EngineUnit } from '../../support/engine-unit.js';

/** POST /api/agents/:username/login takes the campaign's id or its code (issue #19). */
describe('agent login over the API: campaign id or code', () => {
  let u: EngineUnit;
  let server: ReturnType<typeof buildServer> | undefined;
  afterEach(async () => {
    await server?.close();
    await u?.stop();
  });

  const login = async (body: unknown) => {
    u = await engineUnit({ mode: 'progressive', wrapUpSec: 0 });
    await u.start();
    server = buildServer({
      logger: pino({ level: 'silent' }),
      registry: u.registry,
      authenticate: apiKeyLookup([{ name: 'a1', role: 'agent', agent: 'agent1', sha256: hashKey('k1') }]),
      ready: () => Promise.resolve([]),
    });
    return u.settle(
      server.inject({
        method: 'POST',
        url: '/api/agents/agent1/login',
        headers: { authorization: 'Bearer k1' },
        payload: body as object,
      }),
    );
  };

  const cases: { body: unknown; status: number; error?: RegExp }[] = [
    { body: { campaignId: 42 }, status: 200 },
    { body: { campaignId: 'unit' }, status: 200 },
    { body: { campaignId: 'nope' }, status: 404, error: /campaign nope does not exist/ },
    { body: { campaignId: '' }, status: 400 },
    { body: {}, status: 400 },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.body)} → ${c.status}`, async () => {
      const res = await login(c.body);
      expect(res.statusCode, res.body).toBe(c.status);
      if (c.status === 200) expect(u.agent(1)?.status.state).toBe('ready');
      if (c.error) expect(res.body).toMatch(c.error);
    });
  }
});
