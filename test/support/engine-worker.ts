/**
 * One dialer process for fail-over and fault tests: runs one campaign against the lab with one
 * agent, prints READY when its agent is logged in, and its log (pino JSON, info and up) on stdout
 * for the test to read (lease changes). Settings come as JSON in DIALER_WORKER (database URL,
 * Redis prefix and optionally URL, campaign, agent). Stops as `dialer run` does on SIGTERM
 * (src/shutdown.ts: live calls drain, then exit 0; a second SIGTERM is documented there).
 */
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import { labSettings } from './lab.js';

interface WorkerSettings {
  name: string;
  dbUrl: string;
  prefix: string;
  /** Redis through a test's cuttable proxy; default the config's. */
  redisUrl?: string;
  recordingsRoot?: string;
  campaignId: number;
  agent: { id: number; username: string; endpoint: string };
  /** Seconds live calls may take to finish on SIGTERM (default 5). */
  drainSec?: number;
}

const w = JSON.parse(process.env['DIALER_WORKER'] ?? '{}') as WorkerSettings;
const base = loadConfig({ env: {}, implicitFile: false });
const app = createApp(
  {
    ...base,
    instance: { name: w.name },
    database: { url: w.dbUrl },
    redis: { ...base.redis, prefix: w.prefix, url: w.redisUrl ?? base.redis.url },
    recordings: { ...base.recordings, root: w.recordingsRoot ?? base.recordings.root },
  },
  {
    logger: createLogger({ level: 'info', name: w.name, destination: process.stdout }),
    drivers: (_node, logger) =>
      new AriDriver({ ...labSettings().ari, app: `${w.name}-${process.pid}` }, logger),
  },
);
const registry = app.engines();
const engine = await registry.start(w.campaignId);
await engine.agents.login(w.agent);
console.log('READY');
app.shutdown.prepend([{ name: 'campaigns', run: () => registry.stopAll((w.drainSec ?? 5) * 1000) }]);
app.shutdown.handleSignals((code) => process.exit(code));
