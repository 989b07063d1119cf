import type { Command } from 'commander';
import type { App } from '../../app.js';
import { deadLetters, markReplayed, webhookEvent } from '../../store/webhook-outbox.js';
import { WebhookRelay } from '../../webhooks/relay.js';

/** `dialer webhooks dead` (deliveries that gave up) and `dialer webhooks replay <event> <endpoint>`. */
export function registerWebhooksCommand(program: Command, getApp: () => Promise<App>): void {
  const cmd = program.command('webhooks').description('webhook deliveries that gave up, and replaying them');
  cmd
    .command('dead')
    .description('list dead letters not replayed yet (event, endpoint, attempts, last error)')
    .action(async () => {
      const app = await getApp();
      const rows = await deadLetters(app.db);
      if (rows.length === 0) return void console.log('no dead letters');
      for (const d of rows) {
        console.log(
          `${d.failedAt.toISOString()}  ${d.eventId} → ${d.endpoint}: ${d.attempts} attempt(s), last: ${d.lastError}`,
        );
      }
    });
  cmd
    .command('replay')
    .description('queue a dead-lettered delivery again (the running service delivers it)')
    .argument('<eventId>', 'the event id, from `dialer webhooks dead`')
    .argument('<endpoint>', 'the endpoint name, as in webhooks.endpoints[].name')
    .action(async (eventId: string, endpoint: string) => {
      const app = await getApp();
      const event = await webhookEvent(app.db, eventId);
      if (!event) throw new Error(`no webhook event "${eventId}"`);
      const ep = app.config.webhooks.endpoints.find((e) => e.name === endpoint);
      if (!ep) throw new Error(`no webhook endpoint "${endpoint}" in ${app.config.source}`);
      const relay = new WebhookRelay({
        db: app.db,
        redis: app.redis(),
        prefix: app.config.redis.prefix,
        outbox: app.webhookOutbox,
        endpoints: app.config.webhooks.endpoints,
        attempts: app.config.webhooks.attempts,
        backoffMs: app.config.webhooks.backoffMs,
        logger: app.logger,
      });
      try {
        await relay.replay(event.id, event.type, ep.name);
        await markReplayed(app.db, event.id, ep.name);
      } finally {
        await relay.close();
      }
      console.log(`queued ${event.id} for ${ep.name} again (${app.config.webhooks.attempts} attempts)`);
    });
}
