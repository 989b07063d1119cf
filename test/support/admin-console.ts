import type { AddressInfo } from 'node:net';
import type { App } from '../../src/app.js';
import { adminApi } from '../../src/composition/admin-api.js';
import type { Role } from '../../src/http/principal.js';
import { buildServer } from '../../src/http/server.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { createTestDb, type TestDb } from './db.js';
import { engineTestApp } from './engine-app.js';

export interface AdminConsole {
  url: string;
  app: App;
  t: TestDb;
  server: ReturnType<typeof buildServer>;
  /** A person who signs in with this password. */
  user(username: string, role: Role, password: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * What `dialer run` serves — the built console, the real accounts (sessions, cookies, CSRF)
 * and the admin API — over a fresh Postgres database, the App's Redis (own prefix) and the
 * fake PBX, on a random loopback port.
 */
export async function startAdminConsole(name: string): Promise<AdminConsole> {
  const t = await createTestDb();
  const { app } = engineTestApp(t, name, { driver: () => new FakePbxDriver() });
  const registry = app.engines();
  const admin = adminApi(app, registry);
  const server = buildServer({
    logger: app.logger,
    registry,
    accounts: app.accounts,
    admin,
    refusals: app.refusals,
    ready: () => Promise.resolve([]),
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    t,
    server,
    async user(username, role, password) {
      await app.accounts.users.create({ username, role, password, locale: 'en' }, 'test:setup');
    },
    async close() {
      await server.close();
      await admin.close();
      await app.close();
      await t.drop();
    },
  };
}
