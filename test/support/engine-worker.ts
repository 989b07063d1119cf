/**
 * One dialer process for fail-over tests: runs one campaign against the lab with one agent,
 * prints READY when its agent is logged in, stops cleanly on SIGTERM. Settings come as JSON in
 * DIALER_WORKER (database URL, Redis prefix, campaign, agent).
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
  /** The archive: a test's temporary folder, never the checkout's recordings/. */
  recordingsRoot: string;
  campaignId: number;
  agent: { id: number; username: string; endpoint: string };
}

const w = JSON.parse(process.env['DIALER_WORKER'] ?? '{}') as WorkerSettings;
const base = loadConfig({ env: {}, implicitFile: false });
const app = createApp(
  {
    ...base,
    instance: { name: w.name },
    database: { url: w.dbUrl },
    redis: { ...base.redis, prefix: w.prefix },
    recordings: { ...base.recordings, root: w.recordingsRoot },
  },
  {
    logger: createLogger({ level: 'warn', name: w.name }),
    drivers: (_node, logger) =>
      new AriDriver({ ...labSettings().ari, app: `${w.name}-${process.pid}` }, logger),
  },
);
const engine = await app.engines().start(w.campaignId);
await engine.agents.login(w.agent);
console.log('READY');
process.once('SIGTERM', () => {
  void (async () => {
    await engine.stop(5_000);
    await app.close();
    process.exit(0);
  })();
});
