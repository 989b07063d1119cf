import type { Knex } from 'knex';

/**
 * Webhooks (issue #11). `webhook_events` is the outbox: an event is stored first (in the
 * transaction of the change it reports, where there is one), then a relay queues one BullMQ
 * delivery per subscribed endpoint and sets `queued_at` — so an event survives a crash or a
 * Redis outage between the change and the queue. `webhook_deliveries` is every attempt (status,
 * error, duration; never the secret or the body); `webhook_dead_letters` keeps the event of a
 * delivery that gave up, to be replayed once the receiver is fixed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_events', (t) => {
    t.text('id').primary();
    t.text('type').notNullable();
    t.jsonb('data').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('queued_at', { useTz: true });
  });
  await knex.raw(
    `create index webhook_events_unqueued_idx on webhook_events (occurred_at) where queued_at is null`,
  );
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id');
    t.text('event_id').notNullable();
    t.text('event_type').notNullable();
    t.text('endpoint').notNullable();
    t.text('url').notNullable();
    t.integer('attempt').notNullable();
    t.integer('status_code');
    t.text('error');
    t.integer('duration_ms').notNullable();
    t.text('outcome').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['event_id', 'endpoint']);
    t.check(`outcome in ('delivered','retrying','dead')`, [], 'webhook_deliveries_outcome_check');
  });
  await knex.schema.createTable('webhook_dead_letters', (t) => {
    t.bigIncrements('id');
    t.text('event_id').notNullable();
    t.text('endpoint').notNullable();
    t.text('event_type').notNullable();
    t.integer('attempts').notNullable();
    t.text('last_error').notNullable();
    t.timestamp('failed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('replayed_at', { useTz: true });
    t.unique(['event_id', 'endpoint']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('webhook_dead_letters');
  await knex.schema.dropTableIfExists('webhook_deliveries');
  await knex.schema.dropTableIfExists('webhook_events');
}
