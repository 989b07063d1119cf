import type { Knex } from 'knex';

/**
 * Recording recovery (no recording lost across crashes): a recording whose archiving did not
 * finish — the dialer died, the PBX was unreachable — is retried by the campaign's lease
 * holder with back-off; these columns count and time those tries.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recordings', (t) => {
    t.integer('recover_attempts').notNullable().defaultTo(0);
    t.timestamp('recover_after', { useTz: true });
  });
  await knex.raw(`create index recordings_unarchived_idx on recordings (call_id) where status <> 'archived'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists recordings_unarchived_idx`);
  await knex.schema.alterTable('recordings', (t) => {
    t.dropColumn('recover_after');
    t.dropColumn('recover_attempts');
  });
}
