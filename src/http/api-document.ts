import type { App } from '../app.js';
import { adminApi } from '../composition/admin-api.js';
import { buildServer } from './server.js';

/**
 * The API document of everything `dialer run` serves, built without connecting to anything (the
 * routes are only registered, never called): for `npm run api:types` and its drift test.
 */
export async function apiDocument(app: App): Promise<Record<string, unknown>> {
  const registry = app.engines();
  const admin = adminApi(app, registry);
  const server = buildServer({
    logger: app.logger,
    registry,
    accounts: app.accounts,
    admin,
    refusals: app.refusals,
    metrics: app.metrics,
    ready: () => Promise.resolve([]),
    webRoot: false,
  });
  try {
    const res = await server.inject({ method: 'GET', url: '/api/openapi.json' });
    if (res.statusCode !== 200)
      throw new Error(`GET /api/openapi.json answered ${res.statusCode}: ${res.body}`);
    return res.json<Record<string, unknown>>();
  } finally {
    await server.close();
    await admin.close();
  }
}
