/**
 * `npm run bench:auth`: what authentication costs a request. Times requests through the real
 * Fastify server (route table, door, helmet, cookie parsing) over a fresh Postgres database, on
 * loopback with keep-alive, for three kinds interleaved round-robin so drift hits all alike:
 * - baseline: GET /health, a public route (no lookup);
 * - cookie:   GET /api/session with a session cookie (session + user + assignments, one query);
 * - key:      GET /api/session with `Authorization: Bearer` (key + owner + assignments, one query).
 * Each figure is from sending the request to having read the whole response, client and server
 * in this one process. Also the sign-in itself (POST /api/session: scrypt N=2^15), fewer times.
 * Options: --requests N per kind (default 3000), --warmup N (default 300), --logins N (default 20).
 */
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { buildServer } from '../src/http/server.js';
import { FakePbxDriver } from '../src/pbx/fake/index.js';
import { seedUser, TEST_PASSWORD } from '../test/support/accounts.js';
import { createTestDb } from '../test/support/db.js';
import { engineTestApp } from '../test/support/engine-app.js';
import { percentile } from './engine/stats.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: a whole number ≥ 1`);
  return v;
}

async function timed(url: string, init: RequestInit): Promise<number> {
  const start = process.hrtime.bigint();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const fmt = (ms: number) => ms.toFixed(3).padStart(8);

async function main(): Promise<void> {
  const requests = option('requests', 3000);
  const warmup = option('warmup', 300);
  const logins = option('logins', 20);
  const t = await createTestDb();
  const { app } = engineTestApp(t, 'bench-auth', {
    driver: () => new FakePbxDriver(),
    // The sign-in part signs in more often than the rate limit allows one user.
    config: {
      http: {
        host: '127.0.0.1',
        port: 0,
        secureCookies: false,
        sessionIdleMinutes: 30,
        sessionHours: 12,
        loginTriesPerMinute: 1000,
      },
    },
  });
  const server = buildServer({
    logger: app.logger,
    registry: app.engines(),
    accounts: app.accounts,
    ready: () => Promise.resolve([]),
    webRoot: false,
  });
  try {
    await t.db('campaigns').insert({ code: 'bench', name: 'bench', purpose: 'care' });
    await seedUser(app.accounts, 'sup', 'supervisor', ['bench']);
    await server.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    const signIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sup', password: TEST_PASSWORD }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { key } = await app.accounts.keys.add({ name: 'bench', owner: 'sup' }, 'bench');
    const kinds = {
      'baseline GET /health (public)': () => timed(`${base}/health`, {}),
      'cookie session GET /api/session': () => timed(`${base}/api/session`, { headers: { cookie } }),
      'API key GET /api/session': () =>
        timed(`${base}/api/session`, { headers: { authorization: `Bearer ${key}` } }),
    };
    const names = Object.keys(kinds) as (keyof typeof kinds)[];
    const samples = new Map(names.map((n) => [n, [] as number[]]));
    for (let i = 0; i < warmup + requests; i++) {
      for (const n of names) {
        const ms = await kinds[n]();
        if (i >= warmup) samples.get(n)?.push(ms);
      }
    }
    const loginMs: number[] = [];
    for (let i = 0; i < logins; i++) {
      loginMs.push(
        await timed(`${base}/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'sup', password: TEST_PASSWORD }),
        }),
      );
    }
    report(samples, loginMs, requests);
  } finally {
    await server.close();
    await app.close();
    await t.drop();
  }
}

function report(samples: Map<string, number[]>, loginMs: number[], requests: number): void {
  const rows = [...samples.entries()].map(([name, v]) => ({
    name,
    p50: percentile(v, 50),
    p99: percentile(v, 99),
  }));
  const baseline = rows[0];
  if (!baseline) return;
  console.log(
    `auth bench — ${cpus().length} CPUs, ${requests} requests per kind, interleaved; Node ${process.version}`,
  );
  console.log(
    'figures: ms from sending the request to reading the whole response (loopback, keep-alive, one process)',
  );
  console.log(
    `${'kind'.padEnd(36)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(9)}  p50 ×base  p99 ×base  p50 +ms`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(36)}${fmt(r.p50)} ${fmt(r.p99)}  ${(r.p50 / baseline.p50).toFixed(2).padStart(9)}  ${(r.p99 / baseline.p99).toFixed(2).padStart(9)}  ${fmt(r.p50 - baseline.p50)}`,
    );
  }
  console.log(
    `sign-in POST /api/session (scrypt N=2^15, ${loginMs.length}×): p50 ${percentile(loginMs, 50).toFixed(1)} ms, p99 ${percentile(loginMs, 99).toFixed(1)} ms`,
  );
}

await main();
