import type { Knex } from 'knex';

/**
 * Agentless surveys (issue #5). The survey definition itself lives in `campaigns.settings.survey`
 * (validated when the campaign is created); these tables hold what happened on the calls:
 * - `survey_calls`: one row per answered agentless call, its status as the script runs
 *   (`in-progress` until the call ends) and how many questions got a valid key.
 * - `survey_answers`: every key press and every silence, stored the moment it happens so a
 *   hang-up keeps what was given. One row per question attempt.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('survey_calls', (t) => {
    t.text('call_id').primary().references('calls.id');
    t.bigInteger('campaign_id').notNullable().references('campaigns.id');
    t.bigInteger('lead_id').notNullable().references('leads.id');
    t.text('status').notNullable().defaultTo('in-progress');
    t.integer('answered').notNullable().defaultTo(0);
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('ended_at', { useTz: true });
    t.index(['campaign_id', 'status']);
    t.check(
      `status in ('in-progress','completed','incomplete','hung-up','machine-message','machine-hangup')`,
      [],
      'survey_calls_status_check',
    );
  });

  await knex.schema.createTable('survey_answers', (t) => {
    t.bigIncrements('id');
    t.text('call_id').notNullable().references('calls.id');
    t.bigInteger('campaign_id').notNullable().references('campaigns.id');
    t.bigInteger('lead_id').notNullable().references('leads.id');
    t.text('question').notNullable();
    /** The key pressed; null when the customer pressed nothing before the timeout. */
    t.text('digit');
    t.text('kind').notNullable();
    t.integer('attempt').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    // One row per attempt: a retried store of the same event is a no-op.
    t.unique(['call_id', 'question', 'attempt']);
    t.index(['campaign_id', 'question']);
    t.check(`kind in ('answer','invalid','no-input','repeat')`, [], 'survey_answers_kind_check');
    t.check(`(kind = 'no-input') = (digit is null)`, [], 'survey_answers_digit_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('survey_answers');
  await knex.schema.dropTableIfExists('survey_calls');
}
