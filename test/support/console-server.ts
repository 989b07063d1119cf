import type { AddressInfo } from 'node:net';
import type { App } from '../../src/app.js';
import type { AnyRoute, Router } from '../../src/http/route-spec.js';
import { buildServer } from '../../src/http/server.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { createTestDb, type TestDb } from './db.js';
import { engineTestApp } from './engine-app.js';

export interface ConsoleServer {
  url: string;
  app: App;
  t: TestDb;
  close(): Promise<void>;
}

/**
 * The real HTTP server with the built console (dist/web) over a fresh Postgres database and the
 * App's Redis (own key prefix), on a random loopback port. The PBX is the fake driver: these
 * tests are about pages, not calls. People sign in against the real accounts (sessions,
 * cookies, CSRF) over the same database.
 */
export async function startConsoleServer(
  name: string,
  /** More route-table rows (the admin pages' API), as `dialer run` adds them. */
  routes?: (router: Router) => readonly AnyRoute[],
): Promise<ConsoleServer> {
  const t = await createTestDb();
  const { app } = engineTestApp(t, name, { driver: () => new FakePbxDriver() });
  const server = buildServer({
    logger: app.logger,
    registry: app.engines(),
    accounts: app.accounts,
    ...(routes ? { routes } : {}),
    ready: () => Promise.resolve([]),
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    t,
    async close() {
      await server.close();
      await app.close();
      await t.drop();
    },
  };
}
