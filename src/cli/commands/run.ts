import type { Command } from 'commander';
import type { App } from '../../app.js';
import { EngineRegistry } from '../../engine/registry.js';
import { loadApiKeys, type Principal } from '../../http/auth.js';
import { buildServer } from '../../http/server.js';
import { Metrics } from '../../metrics.js';
import { createPbxDriver } from '../../pbx/create-driver.js';
import { PgComplianceGate } from '../../store/gate-facts.js';

/**
 * `dialer run`: the service. Connects the first PBX node, runs every active campaign (one process
 * paces each, by lease), serves the API and /metrics, and shuts down in order on SIGINT/SIGTERM:
 * stop dialling and let live calls finish (60 s), close the PBX, the HTTP server, Redis, Postgres.
 */
export function registerRunCommand(program: Command, getApp: () => Promise<App>): void {
  program
    .command('run')
    .description('run the dialler service: active campaigns, HTTP API, metrics')
    .action(async () => {
      const app = await getApp();
      const node = app.config.pbx.nodes[0];
      if (!node) throw new Error('no PBX node configured');
      const pbx = createPbxDriver(node, app.logger);
      await pbx.connect();
      const metrics = new Metrics();
      const registry = new EngineRegistry(app, pbx, new PgComplianceGate(app.db), metrics);
      const keysFile = app.config.http.apiKeysFile;
      if (!keysFile) app.logger.warn('http.apiKeysFile is not set: every /api request will be refused');
      const authenticate = keysFile ? loadApiKeys(keysFile) : (): Principal | undefined => undefined;
      const server = buildServer({
        logger: app.logger,
        registry,
        authenticate,
        metrics,
        health: async () => pbx.health(),
      });
      const active = await app.db('campaigns').where({ status: 'active' }).pluck<number[]>('id');
      for (const id of active) await registry.start(id);
      await server.listen({ host: app.config.http.host, port: app.config.http.port });
      // Steps run in this order before the App's own (Redis, then Postgres).
      const steps = [
        { name: 'campaigns', run: () => registry.stopAll(60_000) },
        { name: 'pbx', run: () => pbx.close() },
        { name: 'http', run: () => server.close() },
      ];
      app.shutdown.prepend(steps);
      await new Promise<void>((resolve) => app.shutdown.handleSignals(() => resolve()));
    });
}
