import type { Knex } from 'knex';

/**
 * Accounts (issue #11). The `agents` table has always held every person (its role column knew
 * agent, supervisor, qa, admin) and every table that names a person references it, so it stays
 * the one table of people — "users" in the API — and agents are its rows with role `agent`:
 * - a password hash (scrypt, PHC string with its own salt and cost parameters; null = no
 *   password yet, cannot sign in), a locale, the team-lead role, when it was deactivated;
 * - campaign assignments: supervisors, team leads and QA see only their campaigns, agents log in
 *   only to theirs;
 * - server-side sessions: only a hash of the cookie's token is stored, with its CSRF token,
 *   absolute expiry and last use (the idle timeout);
 * - API keys in Postgres (hash, name, role, owner, expiry, revocation), so a revoked key is
 *   refused on its next request.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table agents drop constraint agents_role_check`);
  await knex.schema.alterTable('agents', (t) => {
    t.text('password_hash');
    t.timestamp('password_changed_at', { useTz: true });
    t.text('locale').notNullable().defaultTo('en');
    t.timestamp('deactivated_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`role in ('admin','supervisor','teamlead','qa','agent')`, [], 'agents_role_check');
    t.check(`locale in ('en','zh-CN')`, [], 'agents_locale_check');
  });

  await knex.schema.createTable('campaign_assignments', (t) => {
    t.bigInteger('user_id').notNullable().references('agents.id').onDelete('CASCADE');
    t.bigInteger('campaign_id').notNullable().references('campaigns.id').onDelete('CASCADE');
    t.text('assigned_by').notNullable();
    t.timestamp('assigned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'campaign_id']);
    t.index(['campaign_id']);
  });

  await knex.schema.createTable('user_sessions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('agents.id').onDelete('CASCADE');
    /** sha256 of the cookie's token, hex; the token itself is never stored. */
    t.text('token_sha256').notNullable().unique();
    t.text('csrf_token').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('ended_at', { useTz: true });
    t.text('end_reason');
    t.text('ip');
    t.text('user_agent');
    t.index(['user_id']);
  });

  await knex.schema.createTable('api_keys', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable().unique();
    /** sha256 of the key, hex (keys are 256 random bits: a fast hash is enough). */
    t.text('sha256').notNullable().unique();
    t.text('role').notNullable();
    /** The person the key acts as (required for agent keys; its campaigns scope the key). */
    t.bigInteger('owner_id').references('agents.id');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoked_by');
    t.timestamp('last_used_at', { useTz: true });
    t.check(`role in ('admin','supervisor','teamlead','qa','agent')`, [], 'api_keys_role_check');
    t.check(`role <> 'agent' or owner_id is not null`, [], 'api_keys_agent_owner_check');
  });
  await knex.raw(`create index audit_log_at_idx on audit_log (at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists audit_log_at_idx`);
  await knex.schema.dropTableIfExists('api_keys');
  await knex.schema.dropTableIfExists('user_sessions');
  await knex.schema.dropTableIfExists('campaign_assignments');
  await knex.raw(`alter table agents drop constraint agents_locale_check`);
  await knex.raw(`alter table agents drop constraint agents_role_check`);
  await knex.raw(`update agents set role = 'supervisor' where role = 'teamlead'`);
  await knex.schema.alterTable('agents', (t) => {
    t.dropColumns('password_hash', 'password_changed_at', 'locale', 'deactivated_at', 'updated_at');
    t.check(`role in ('agent','supervisor','qa','admin')`, [], 'agents_role_check');
  });
}
