import type { AddressInfo } from 'node:net';
import type { App } from '../../src/app.js';
import { adminApi } from '../../src/composition/admin-api.js';
import type { Principal } from '../../src/http/principal.js';
import type { Role } from '../../src/http/principal.js';
import { buildServer } from '../../src/http/server.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { createTestDb, type TestDb } from './db.js';
import { engineTestApp } from './engine-app.js';

export interface AdminServer {
  url: string;
  app: App;
  t: TestDb;
  /** Adds a person (an `agents` row) and returns the bearer token that signs in as them. */
  person(username: string, role: Role, campaigns?: number[]): Promise<string>;
  /** An integration key (no person behind it). */
  key(name: string, role: Role): string;
  server: ReturnType<typeof buildServer>;
  close(): Promise<void>;
}

/**
 * The real HTTP server with the admin routes over a fresh Postgres database and the App's
 * Redis (own prefix), the fake PBX, on a random loopback port. People authenticate with a
 * bearer token mapped to their principal (the accounts branch's sessions are tested there).
 */
export async function startAdminServer(
  name: string,
  o: { approvalThreshold?: number } = {},
): Promise<AdminServer> {
  const t = await createTestDb();
  const { app } = engineTestApp(t, name, { driver: () => new FakePbxDriver() });
  const principals = new Map<string, Principal>();
  const registry = app.engines();
  const admin = adminApi(app, registry);
  const server = buildServer({
    logger: app.logger,
    registry,
    authenticate: (k) => principals.get(k),
    ready: () => Promise.resolve([]),
    refusals: app.refusals,
    admin: { ...admin, approvalThreshold: o.approvalThreshold ?? admin.approvalThreshold },
    webRoot: false,
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    t,
    server,
    async person(username, role, campaigns = []) {
      const [row] = await t
        .db('agents')
        .insert({ username, display_name: username, role })
        .returning<{ id: number }[]>('id');
      const token = `token-${username}`;
      principals.set(token, {
        kind: 'user',
        actor: `user:${username}`,
        role,
        username,
        userId: row?.id,
        campaigns,
      });
      return token;
    },
    key(keyName, role) {
      const token = `key-${keyName}`;
      principals.set(token, { kind: 'key', actor: `key:${keyName}`, role, campaigns: [] });
      return token;
    },
    async close() {
      await server.close();
      await admin.close();
      await app.close();
      await t.drop();
    },
  };
}

/** A JSON (or raw) request with a bearer token; returns status, headers and the parsed body. */
export async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: json as Record<string, unknown> & unknown[],
  };
}
