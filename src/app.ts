import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Config } from './config/load.js';
import { createLogger, type Logger } from './logger.js';
import { Shutdown } from './shutdown.js';
import { createDb } from './store/db.js';

/**
 * The composition root: the only place that builds adapters from the validated config.
 * Everything else receives what it needs through constructors and function arguments.
 */
export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Knex;
  /** Redis for BullMQ and leases; connected on first use. */
  redis(): Redis;
  readonly shutdown: Shutdown;
  close(): Promise<void>;
}

export function createApp(config: Config, options: { logger?: Logger } = {}): App {
  const logger = options.logger ?? createLogger({ level: config.log.level, name: config.instance.name });
  const shutdown = new Shutdown(logger);
  const db = createDb({
    url: config.database.url,
    onPoolError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  let redisClient: Redis | undefined;
  const redis = (): Redis => {
    // BullMQ requires maxRetriesPerRequest null on connections it blocks on.
    redisClient ??= new Redis(config.redis.url, { maxRetriesPerRequest: null, lazyConnect: false });
    return redisClient;
  };
  shutdown.add({ name: 'redis', run: async () => void (await redisClient?.quit()) });
  shutdown.add({ name: 'database', run: () => db.destroy() });
  return { config, logger, db, redis, shutdown, close: () => shutdown.run('close') };
}
