import type { Knex } from 'knex';

/**
 * Every refusal of the compliance gate, as a stored fact (issue #19): which attempt of which lead
 * was refused, for what rule, on what facts, when, and from when the lead may be dialled again.
 * Written by the attempt ledger in the transaction that moves the lead on, so a refusal and its
 * effect on the lead are one fact. Read by lead (the API's "why was +… never called"; the doctor's
 * latest refusal per lead) and by campaign and time (reports, retention), one index each; a row
 * holds no phone number (the lead has it) and the attempt's id is derived, not stored.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('gate_refusals', (t) => {
    t.bigIncrements('id');
    t.bigInteger('campaign_id').notNullable().references('campaigns.id').onDelete('CASCADE');
    t.bigInteger('lead_id').notNullable().references('leads.id').onDelete('CASCADE');
    t.integer('attempt').notNullable();
    t.text('reason').notNullable();
    t.jsonb('facts').notNullable().defaultTo('{}');
    t.timestamp('decided_at', { useTz: true }).notNullable();
    t.timestamp('next_eligible_at', { useTz: true });
  });
  await knex.raw(`create index gate_refusals_lead_idx on gate_refusals (lead_id, decided_at)`);
  await knex.raw(`create index gate_refusals_campaign_idx on gate_refusals (campaign_id, decided_at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('gate_refusals');
}
