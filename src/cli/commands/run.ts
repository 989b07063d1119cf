import type { Command } from 'commander';
import type { App } from '../../app.js';
import { adminApi } from '../../composition/admin-api.js';
import { ConfigError } from '../../config/errors.js';
import { unsafeForProduction } from '../../config/example-secrets.js';
import { buildServer } from '../../http/server.js';
import { ignoreHangup } from '../../shutdown.js';
import { checkAll, waitForDependencies } from '../../startup/dependencies.js';
import { scheduleRefusalRetention } from '../../store/gate-refusals.js';

/**
 * `dialer run`: the service. Connects every configured PBX node, runs every active campaign (one
 * process paces each, by lease; each on its trunk's node), serves the API and /metrics, and shuts
 * down in order on SIGINT/SIGTERM: stop dialling and let live calls finish (as long as they
 * last, up to `--drain` seconds, 60 by default), close the HTTP server, the PBX connections,
 * Redis, Postgres. With no live call it exits at once.
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
    .option(
      '--drain <seconds>',
      'on SIGTERM/SIGINT, how long live calls may go on before the service stops anyway (calls still up are left to the next lease holder)',
      (v) => seconds(v, '--drain'),
      60,
    )
    .action(async (opts: { wait: number; drain: number }) => {
      const app = await getApp();
      // Configuration first (exit 78), then dependencies (exit 69), then the service.
      const unsafe = unsafeForProduction(app.config);
      if (unsafe.length > 0) throw new ConfigError(app.config.source, unsafe);
      const dependencies = app.dependencies();
      await waitForDependencies(dependencies, { waitMs: opts.wait * 1000, say: (l) => console.error(l) });
      const registry = app.engines();
      const admin = adminApi(app, registry);
      const server = buildServer({
        admin,
        logger: app.logger,
        registry,
        accounts: app.accounts,
        metrics: app.metrics,
        ready: () => checkAll(dependencies),
        refusals: app.refusals,
        warnings: () =>
          app.archiveSpace.full ? [`recording archive full: ${app.archiveSpace.describe()}`] : [],
      });
      app.startWebhooks();
      // A trial campaign dials its sample (the gate refuses the rest), an active one its list.
      const active = await app.db('campaigns').whereIn('status', ['trial', 'active']).pluck<number[]>('id');
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
        { name: 'campaigns', run: () => registry.stopAll(opts.drain * 1000) },
        { name: 'http', run: () => server.close() },
        { name: 'uploads', run: () => admin.close() },
      ]);
      const stopIgnoringHup = ignoreHangup(app.logger);
      const code = await new Promise<number>((resolve) => app.shutdown.handleSignals(resolve));
      stopIgnoringHup();
      // Every step has run (campaigns drained, HTTP, PBX, Redis, Postgres closed). A call still up
      // at the drain deadline keeps its flow's timers; they must not keep the process alive.
      app.logger.info({ code }, 'stopped');
      process.exit(code);
    });
}

function seconds(value: string, option = '--wait'): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${option}: expected seconds (a number ≥ 0), got "${value}"`);
  return n;
}
