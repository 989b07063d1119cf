import type { Command } from 'commander';
import type { App } from '../../app.js';
import { loadApiKeys, type Principal } from '../../http/auth.js';
import { buildServer } from '../../http/server.js';
import { scheduleRefusalRetention } from '../../store/gate-refusals.js';

/**
 * `dialer run`: the service. Connects every configured PBX node, runs every active campaign (one
 * process paces each, by lease; each on its trunk's node), serves the API and /metrics, and shuts
 * down in order on SIGINT/SIGTERM: stop dialling and let live calls finish (60 s), close the
 * HTTP server, the PBX connections, Redis, Postgres.
 */
export function registerRunCommand(program: Command, getApp: () => Promise<App>): void {
  program
    .command('run')
    .description('run the dialler service: active campaigns, HTTP API, metrics')
    .action(async () => {
      const app = await getApp();
      await app.pbx.connectAll();
      const registry = app.engines();
      const keysFile = app.config.http.apiKeysFile;
      if (!keysFile) app.logger.warn('http.apiKeysFile is not set: every /api request will be refused');
      const authenticate = keysFile ? loadApiKeys(keysFile) : (): Principal | undefined => undefined;
      const server = buildServer({
        logger: app.logger,
        registry,
        authenticate,
        metrics: app.metrics,
        health: async () => app.pbx.health(),
        refusals: app.refusals,
      });
      const active = await app.db('campaigns').where({ status: 'active' }).pluck<number[]>('id');
      for (const id of active) await registry.start(id);
      await server.listen({ host: app.config.http.host, port: app.config.http.port });
      // Before the App's own steps (campaigns, PBX, Redis, Postgres): stop dialling, then HTTP.
      const stopRetention = scheduleRefusalRetention(
        app.db,
        app.config.compliance.refusalRetentionDays,
        app.logger,
      );
      app.shutdown.prepend([
        { name: 'retention', run: () => Promise.resolve(stopRetention()) },
        { name: 'campaigns', run: () => registry.stopAll(60_000) },
        { name: 'http', run: () => server.close() },
      ]);
      await new Promise<void>((resolve) => app.shutdown.handleSignals(() => resolve()));
    });
}
