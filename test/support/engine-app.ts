import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/load.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { PbxDriver } from '../../src/pbx/pbx-driver.js';
import type { TestDb } from './db.js';
import { deleteRedisPrefix } from './redis-keys.js';

/**
 * An App for engine tests: the lab's config (embedded defaults) pointed at a per-file test
 * database, a random Redis prefix and a temporary recordings root. `driver` builds the PBX
 * driver of every node (a test's own ARI app name, the fake); `pbx()` connects and returns it.
 * Closing the App removes its recordings root and, unless the prefix was given (shared with
 * other processes, whose test cleans it), its Redis keys.
 */
export function engineTestApp<D extends PbxDriver = PbxDriver>(
  t: Pick<TestDb, 'url'>,
  name: string,
  /** A shared Redis prefix (several processes on one campaign) and config parts to replace. */
  options: {
    prefix?: string;
    /** A recordings root the caller owns (and removes); default: a temporary one removed on close. */
    recordingsRoot?: string;
    config?: Partial<Config>;
    driver?: (logger: Logger) => D;
  } = {},
): { app: App; recordingsRoot: string; prefix: string; pbx: () => Promise<D> } {
  const recordingsRoot = options.recordingsRoot ?? mkdtempSync(join(tmpdir(), 'dialer-rec-'));
  const prefix = options.prefix ?? `test-${name}-${Date.now().toString(36)}`;
  // The lab's embedded defaults, never a config/dialer.yaml someone left in the checkout.
  const base = loadConfig({ env: {}, file: undefined, implicitFile: false, cwd: process.cwd() });
  const config = {
    ...base,
    instance: { name: `${name}-${process.pid}` },
    database: { url: t.url },
    redis: { ...base.redis, prefix },
    recordings: { ...base.recordings, root: recordingsRoot },
    ...options.config,
  };
  const logger = createLogger({ level: process.env['DIALER_TEST_LOG'] ?? 'warn', name });
  let built: D | undefined;
  const make = options.driver;
  const app = createApp(config, {
    logger,
    drivers: make ? (_node, log) => (built ??= make(log)) : undefined,
  });
  app.shutdown.add({
    name: 'test-cleanup',
    run: async () => {
      if (!options.prefix) await deleteRedisPrefix(prefix, config.redis.url);
      if (!options.recordingsRoot) rmSync(recordingsRoot, { recursive: true, force: true });
    },
  });
  const node = config.pbx.nodes[0]?.name ?? 'lab';
  return { app, recordingsRoot, prefix, pbx: () => app.pbx.connected(node) as Promise<D> };
}
