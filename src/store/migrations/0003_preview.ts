import type { Knex } from 'knex';

/**
 * The preview desk (issue #5): one row per lead offered to an agent — which agent, which
 * lead and attempt, when — and how the offer ended. The partial unique indexes are what keep a
 * lead from being offered to two agents at once, and an agent from holding two offers of one
 * campaign, across processes and restarts: a second insert is refused by Postgres, not by our memory.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('preview_offers', (t) => {
    t.bigIncrements('id');
    t.bigInteger('campaign_id').notNullable().references('campaigns.id').onDelete('CASCADE');
    t.bigInteger('lead_id').notNullable().references('leads.id').onDelete('CASCADE');
    t.integer('attempt').notNullable();
    /** The attempt id (`c<campaign>-l<lead>-a<attempt>`): the call row's id if it is dialled. */
    t.text('call_id').notNullable();
    /** The number as claimed, so an offer left by a dead process can be dialled without a re-read. */
    t.text('phone_e164').notNullable();
    t.bigInteger('agent_id').notNullable().references('agents.id');
    t.text('status').notNullable().defaultTo('offered');
    t.timestamp('offered_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('auto_dial_at', { useTz: true });
    t.timestamp('decided_at', { useTz: true });
    /** Skip reason code, the gate's refusal reason, or why the offer was returned. */
    t.text('reason');
    t.text('note');
    t.check(
      `status in ('offered','dialled','skipped','returned','refused')`,
      [],
      'preview_offers_status_check',
    );
    t.index(['lead_id']);
    t.index(['campaign_id', 'status']);
  });
  await knex.raw(
    `create unique index preview_offers_open_lead_idx on preview_offers (lead_id) where status = 'offered'`,
  );
  // Per campaign: an offer left open in a campaign that no process runs any more must not stop
  // the agent from working in another one (it goes back when that campaign runs again).
  await knex.raw(
    `create unique index preview_offers_open_agent_idx on preview_offers (campaign_id, agent_id)
      where status = 'offered'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('preview_offers');
}
