import type { Knex } from 'knex';

/**
 * Which dialler process owns each call row and agent session, and which processes are alive (issue #16). A process
 * writes its heartbeat (`seen_at`) every few seconds; a new lease holder finishes only the open
 * rows whose owner has stopped beating — a process that merely lost Redis (and with it the
 * lease) keeps its live calls, instead of having them hung up under its agents.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dialler_processes', (t) => {
    t.text('owner').primary();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.alterTable('calls', (t) => {
    t.text('owner');
  });
  await knex.schema.alterTable('agent_sessions', (t) => {
    t.text('owner');
  });
  // The campaign's open rows (a new lease holder's look) and latest ended calls (the doctor).
  await knex.raw(`create index calls_campaign_ended_idx on calls (campaign_id, ended_at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists calls_campaign_ended_idx`);
  await knex.schema.alterTable('calls', (t) => {
    t.dropColumn('owner');
  });
  await knex.schema.alterTable('agent_sessions', (t) => {
    t.dropColumn('owner');
  });
  await knex.schema.dropTableIfExists('dialler_processes');
}
