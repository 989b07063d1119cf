import type { Command } from 'commander';
import type { App } from '../../app.js';
import { loadApiKeys, type Principal } from '../../http/auth.js';
import { buildServer } from '../../http/server.js';
import { checkAll, waitForDependencies } from '../../startup/dependencies.js';
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
    .description('run the dialer service: active campaigns, HTTP API, /metrics, /health, /ready')
    .option(
      '--wait <seconds>',
      'how long to wait for Postgres, Redis, the PBX and the archive at start-up before giving up (exit 69)',
      (v) => seconds(v),
      60,
    )
    .action(async (opts: { wait: number }) => {
      const app = await getApp();
      // Configuration first (exit 78), then dependencies (exit 69), then the service.
      const keysFile = app.config.http.apiKeysFile;
      if (!keysFile) app.logger.warn('http.apiKeysFile is not set: every /api request will be refused');
      const authenticate = keysFile ? loadApiKeys(keysFile) : (): Principal | undefined => undefined;
      const dependencies = app.dependencies();
      await waitForDependencies(dependencies, { waitMs: opts.wait * 1000, say: (l) => console.error(l) });
      const registry = app.engines();
      const server = buildServer({
        logger: app.logger,
        registry,
        authenticate,
        metrics: app.metrics,
        ready: () => checkAll(dependencies),
        refusals: app.refusals,
        warnings: () =>
          app.archiveSpace.full ? [`recording archive full: ${app.archiveSpace.describe()}`] : [],
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

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`--wait: expected seconds (a number ≥ 0), got "${value}"`);
  return n;
}
