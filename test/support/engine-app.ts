import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import type { TestDb } from './db.js';

/**
 * An App for engine tests: the lab's config (embedded defaults) pointed at a per-file test
 * database, a random Redis prefix and a temporary recordings root.
 */
export function engineTestApp(
  t: Pick<TestDb, 'url'>,
  name: string,
  /** A shared Redis prefix (several processes on one campaign) and config parts to replace. */
  options: { prefix?: string; config?: Partial<Config> } = {},
): { app: App; recordingsRoot: string; prefix: string } {
  const recordingsRoot = mkdtempSync(join(tmpdir(), 'dialer-rec-'));
  const prefix = options.prefix ?? `test-${name}-${Date.now().toString(36)}`;
  const base = loadConfig({ env: {}, file: undefined, cwd: process.cwd() });
  const config = {
    ...base,
    instance: { name: `${name}-${process.pid}` },
    database: { url: t.url },
    redis: { ...base.redis, prefix },
    recordings: { ...base.recordings, root: recordingsRoot },
    ...options.config,
  };
  const logger = createLogger({ level: process.env['DIALER_TEST_LOG'] ?? 'warn', name });
  return { app: createApp(config, { logger }), recordingsRoot, prefix };
}
