import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { Accounts } from './accounts/accounts.js';
import { campaignEngineFactory } from './composition/campaign-engines.js';
import { serviceDependencies } from './composition/dependencies.js';
import { PbxNodes, type DriverFactory } from './composition/pbx-nodes.js';
import { systemClock } from './composition/system-clock.js';
import type { Config } from './config/load.js';
import { PgCampaignDoctor } from './diagnosis/campaign-diagnosis.js';
import { EngineRegistry } from './engine/registry.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import type { ArchiveSpacePort } from './ports/recordings.js';
import { ArchiveSpace } from './recordings/archive-space.js';
import type { Clock } from './ports/clock.js';
import type { GatePort } from './ports/gate.js';
import type { RefusalHistory } from './ports/refusals.js';
import { Shutdown } from './shutdown.js';
import type { Dependency } from './startup/dependencies.js';
import { createDb } from './store/db.js';
import { PgDispositionLog } from './store/dispositions.js';
import { PgComplianceGate } from './store/gate-facts.js';
import { ProcessHeartbeat, processOwner } from './store/process-heartbeat.js';
import { PgRefusalHistory } from './store/gate-refusals.js';
import { AgentRepository } from './store/repositories/agents.js';
import { PgCampaignCatalog } from './store/repositories/campaigns.js';
import type { PgWebhookOutbox } from './store/webhook-outbox.js';
import { startWebhooks, webhookOutbox, type Webhooks } from './composition/webhooks.js';

/**
 * The composition root: the only place that builds adapters from the validated config (with the
 * builders in src/composition). Everything else receives what it needs through constructors and
 * function arguments — the engine only ever sees ports (src/ports).
 */
export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Knex;
  /** Redis for BullMQ and leases; connected on first use. */
  redis(): Redis;
  /** One driver per configured PBX node, built and connected on first use. */
  readonly pbx: PbxNodes;
  /** The compliance gate over Postgres. */
  readonly gate: GatePort;
  /** The gate's stored refusals, by number or lead. */
  readonly refusals: RefusalHistory;
  readonly metrics: Metrics;
  /** Webhook events are stored here first (docs/webhooks.md). */
  readonly webhookOutbox: PgWebhookOutbox;
  /** Starts delivering webhooks (the service does; undefined with no endpoints configured). */
  startWebhooks(): Webhooks | undefined;
  /** People, campaign assignments, sessions and API keys (the HTTP API authenticates against them). */
  readonly accounts: Accounts;
  /** The campaigns this process runs, and agent actions (built on first use). */
  engines(): EngineRegistry;
  /** What the service needs up (Postgres, Redis, each PBX node, the archive): start-up and /ready. */
  dependencies(): Dependency[];
  readonly shutdown: Shutdown;
  /** The recording archive's free space (/health, /ready, the doctor). */
  readonly archiveSpace: ArchiveSpacePort;
  /** What `/health` lists as warnings (the archive full). */
  warnings(): string[];
  close(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  /** Builds each node's driver (default: the driver its config names); tests pass their own. */
  drivers?: DriverFactory;
  clock?: Clock;
}

export function createApp(config: Config, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger({ level: config.log.level, name: config.instance.name });
  const clock = options.clock ?? systemClock;
  const shutdown = new Shutdown(logger);
  const db = createDb({
    url: config.database.url,
    onPoolError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  let redisClient: Redis | undefined;
  const redisState: { down?: string } = {};
  const redis = (): Redis => {
    // BullMQ requires maxRetriesPerRequest null on connections it blocks on.
    redisClient ??= watchRedis(
      new Redis(config.redis.url, { maxRetriesPerRequest: null, lazyConnect: false }),
      logger,
      redisState,
    );
    return redisClient;
  };
  const pbx = new PbxNodes(config.pbx.nodes, logger, options.drivers);
  const gate = new PgComplianceGate(db);
  const metrics = new Metrics();
  metrics.watchPbx(() => pbx.states());
  const campaigns = new PgCampaignCatalog(db);
  const owner = processOwner(config.instance.name);
  const heartbeat = new ProcessHeartbeat(db, owner, logger);
  const outbox = webhookOutbox(db, config.webhooks);
  let webhooks: Webhooks | undefined;
  const accounts = new Accounts(db, {
    idleMs: config.http.sessionIdleMinutes * 60_000,
    absoluteMs: config.http.sessionHours * 3_600_000,
    secureCookies: config.http.secureCookies,
    loginTriesPerMinute: config.http.loginTriesPerMinute,
  });
  const rec = config.recordings;
  const archiveSpace = new ArchiveSpace(rec.root, rec.minFreeMb, rec.onFull, logger, metrics);
  let registry: EngineRegistry | undefined;
  const engines = (): EngineRegistry =>
    (registry ??= new EngineRegistry({
      startEngine: campaignEngineFactory({
        ...{ config, logger, db, redis, pbx, gate },
        ...{ campaigns, clock, metrics, heartbeat, outbox, archiveSpace },
      }),
      campaigns,
      agents: new AgentRepository(db),
      dispositions: new PgDispositionLog(db, outbox),
      doctor: new PgCampaignDoctor(db),
      pbxHealth: () => pbx.health(),
      now: () => clock.now(),
      archiveSpace,
    }));
  shutdown.onHurry(() => registry?.hurryAll());
  // Campaigns stop (live calls drain) before their PBX, Redis and Postgres go.
  shutdown.add({ name: 'campaigns', run: async () => registry?.stopAll(60_000) });
  shutdown.add({ name: 'heartbeat', run: () => heartbeat.stop() });
  shutdown.add({ name: 'archive space', run: () => Promise.resolve(archiveSpace.stop()) });
  shutdown.add({ name: 'pbx', run: () => pbx.close() });
  shutdown.add({ name: 'webhooks', run: async () => webhooks?.close() });
  // quit() waits for a connection that may never come; a client that is not up just disconnects.
  shutdown.add({
    name: 'redis',
    run: async () => {
      if (redisClient?.status === 'ready') await redisClient.quit();
      else redisClient?.disconnect();
    },
  });
  shutdown.add({ name: 'database', run: () => db.destroy() });
  return {
    config,
    logger,
    db,
    redis,
    pbx,
    gate,
    refusals: new PgRefusalHistory(db),
    metrics,
    webhookOutbox: outbox,
    startWebhooks: () =>
      (webhooks ??= startWebhooks({
        db,
        redis: redis(),
        prefix: config.redis.prefix,
        config: config.webhooks,
        outbox,
        logger,
      })),
    accounts,
    engines,
    dependencies: () =>
      serviceDependencies({ config, db, redis, pbx, archiveSpace, redisDown: () => redisState.down }),
    archiveSpace,
    warnings: () => (archiveSpace.full ? [`recording archive full: ${archiveSpace.describe()}`] : []),
    shutdown,
    close: () => shutdown.run('close'),
  };
}

/**
 * ioredis reconnects by itself and emits `error` on every failed attempt; unheard, each one is
 * an "Unhandled error event" stack. One warning when it goes down (or the reason changes), one
 * line when it is back.
 */
function watchRedis(client: Redis, logger: Logger, state: { down?: string }): Redis {
  client.on('error', (err: Error) => {
    if (err.message === state.down) return;
    state.down = err.message;
    logger.warn({ err: err.message }, 'Redis unreachable; reconnecting');
  });
  client.on('ready', () => {
    if (state.down !== undefined) logger.info('Redis connection is back');
    state.down = undefined;
  });
  return client;
}
