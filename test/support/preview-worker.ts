/**
 * One dialer process for the preview restart test: runs a preview campaign on the fake PBX
 * against the shared Postgres and Redis, logs its agents in, and prints READY once every agent
 * holds an offer stored in Postgres. The test then kills it with SIGKILL. Settings come as JSON
 * in DIALER_WORKER (name, database URL, Redis prefix, campaign, agent usernames).
 */
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { assignAllAgents } from './accounts.js';
import { engineTestApp } from './engine-app.js';

interface WorkerSettings {
  name: string;
  dbUrl: string;
  prefix: string;
  /** The test's folder: this process is killed with SIGKILL and cannot remove its own. */
  recordingsRoot: string;
  campaignId: number;
  agents: string[];
}

const w = JSON.parse(process.env['DIALER_WORKER'] ?? '{}') as WorkerSettings;
const { app } = engineTestApp({ url: w.dbUrl }, w.name, {
  prefix: w.prefix,
  recordingsRoot: w.recordingsRoot,
  driver: () => new FakePbxDriver(),
});
const registry = app.engines();
await registry.start(w.campaignId);
await assignAllAgents(app.db, w.campaignId);
for (const a of w.agents) await registry.login(a, w.campaignId);
for (;;) {
  const row = await app
    .db('preview_offers')
    .where({ campaign_id: w.campaignId, status: 'offered' })
    .count<{ n: number }[]>({ n: '*' });
  if (Number(row[0]?.n) >= w.agents.length) break;
  await new Promise((r) => setTimeout(r, 100));
}
console.log('READY');
// Stays up until killed: the test means to kill it without any clean-up.
setInterval(() => undefined, 60_000);
