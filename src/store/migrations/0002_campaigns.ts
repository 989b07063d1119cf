import type { Knex } from 'knex';

/**
 * Campaign/compliance additions (issue #4):
 * - `calls (phone_e164, reserved_at)`: the gate counts attempts per callee across campaigns
 *   (CN: ≤ 5 per 24 h, ≤ 3 per 5 min) just before every originate.
 * - `leads.trial_sample`: the leads called while the campaign is in `trial`.
 * - `callbacks (lead_id) where pending`: the gate looks up a lead's pending callback.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index calls_phone_reserved_idx on calls (phone_e164, reserved_at)`);
  await knex.schema.alterTable('leads', (t) => {
    t.boolean('trial_sample').notNullable().defaultTo(false);
  });
  await knex.raw(`create index callbacks_lead_pending_idx on callbacks (lead_id) where status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists callbacks_lead_pending_idx`);
  await knex.schema.alterTable('leads', (t) => {
    t.dropColumn('trial_sample');
  });
  await knex.raw(`drop index if exists calls_phone_reserved_idx`);
}
