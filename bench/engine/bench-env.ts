import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { PbxDriver } from '../../src/pbx/pbx-driver.js';
import { createTestDb, type TestDb } from '../../test/support/db.js';

export interface BenchEnv {
  app: App;
  t: TestDb;
  prefix: string;
  /** Error-level lines the engine logged (pino level ≥ 50), with the first few messages. */
  errors: { count: number; samples: string[] };
  /** The bench's PBX driver (built by `driver`), connected by the app. */
  pbx(): Promise<PbxDriver>;
  close(): Promise<void>;
}

/**
 * A throw-away world for one benchmark part: its own Postgres database (migrated), a random
 * Redis prefix, a temporary recordings root and the lab's config with the bench's trunk limits.
 * `close()` removes all of it — the database, the Redis keys under the prefix, the recordings.
 */
export async function benchEnv(
  name: string,
  trunk: { maxChannels: number; cps: number; dial?: string } = { maxChannels: 100, cps: 20 },
  /** Builds the driver of the lab node (the bench's own ARI app, a timing wrapper, the fake). */
  driver?: (logger: Logger) => PbxDriver,
): Promise<BenchEnv> {
  const t = await createTestDb();
  const recordingsRoot = mkdtempSync(join(tmpdir(), 'dialer-bench-rec-'));
  const prefix = `bench-${name}-${process.pid}-${Date.now().toString(36)}`;
  const base = loadConfig({ env: {}, file: undefined, cwd: process.cwd() });
  const errors = { count: 0, samples: [] as string[] };
  const config = {
    ...base,
    instance: { name: `bench-${name}-${process.pid}` },
    database: { url: t.url },
    redis: { ...base.redis, prefix },
    recordings: { ...base.recordings, root: recordingsRoot },
    trunks: base.trunks.map((tr) => ({ ...tr, ...trunk })),
  };
  const logger = createLogger({
    level: process.env['DIALER_BENCH_LOG'] ?? 'warn',
    name: `bench-${name}`,
    destination: errorCounter(errors),
  });
  let built: PbxDriver | undefined;
  const app = createApp(config, {
    logger,
    drivers: driver ? (_node, log) => (built ??= driver(log)) : undefined,
  });
  return {
    app,
    t,
    prefix,
    errors,
    pbx: () => app.pbx.connected(config.pbx.nodes[0]?.name ?? 'lab'),
    async close() {
      await deleteKeys(app.redis(), prefix).catch(() => undefined);
      await app.close();
      await t.drop();
      rmSync(recordingsRoot, { recursive: true, force: true });
    },
  };
}

/** Forwards log lines to stderr and counts those at error level or worse. */
function errorCounter(errors: { count: number; samples: string[] }): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      const text = chunk.toString();
      for (const line of text.split('\n')) {
        if (!line) continue;
        try {
          const rec = JSON.parse(line) as { level?: number; msg?: string };
          if ((rec.level ?? 0) >= 50) {
            errors.count += 1;
            if (errors.samples.length < 5) errors.samples.push(rec.msg ?? line.slice(0, 120));
          }
        } catch {
          // Not JSON: pass it on as is.
        }
      }
      process.stderr.write(chunk, () => done());
    },
  });
}

/** Removes this run's keys (BullMQ queues, leases) — only those under the run's own prefix. */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
