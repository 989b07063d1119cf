import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Config } from '../config/load.js';

type WebhooksConfig = Config['webhooks'];
import type { Logger } from '../logger.js';
import { PgWebhookOutbox } from '../store/webhook-outbox.js';
import { WebhookDelivery } from '../webhooks/delivery.js';
import { WebhookRelay } from '../webhooks/relay.js';

export interface Webhooks {
  relay: WebhookRelay;
  delivery: WebhookDelivery;
  close(): Promise<void>;
}

/** The outbox: stores the events some configured endpoint subscribes to (none: stores nothing). */
export function webhookOutbox(db: Knex, config: WebhooksConfig): PgWebhookOutbox {
  return new PgWebhookOutbox(
    db,
    config.endpoints.flatMap((e) => e.events),
  );
}

/**
 * Starts the outbox relay and the delivery worker (the service runs them; one-shot CLI commands
 * only write the outbox). Undefined when no endpoint is configured.
 */
export function startWebhooks(d: {
  db: Knex;
  redis: Redis;
  prefix: string;
  config: WebhooksConfig;
  outbox: PgWebhookOutbox;
  logger: Logger;
  pollMs?: number;
}): Webhooks | undefined {
  if (d.config.endpoints.length === 0) return undefined;
  const logger = d.logger.child({ component: 'webhooks' });
  const relay = new WebhookRelay({
    db: d.db,
    redis: d.redis,
    prefix: d.prefix,
    outbox: d.outbox,
    endpoints: d.config.endpoints,
    attempts: d.config.attempts,
    backoffMs: d.config.backoffMs,
    logger,
    pollMs: d.pollMs,
    retentionDays: d.config.retentionDays,
  });
  const delivery = new WebhookDelivery({
    db: d.db,
    redis: d.redis,
    prefix: d.prefix,
    endpoints: d.config.endpoints,
    timeoutMs: d.config.timeoutMs,
    logger,
  });
  relay.start();
  return {
    relay,
    delivery,
    async close() {
      await relay.close();
      await delivery.close();
    },
  };
}
