import type { Knex } from 'knex';

/**
 * The core model. Times are timestamptz (UTC on the wire); phone numbers are E.164 text;
 * free-form campaign and lead details are jsonb so list columns survive import untouched.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('agents', (t) => {
    t.bigIncrements('id');
    t.text('username').notNullable().unique();
    t.text('display_name').notNullable();
    t.text('role').notNullable().defaultTo('agent');
    t.text('sip_endpoint');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`role in ('agent','supervisor','qa','admin')`, [], 'agents_role_check');
  });

  await knex.schema.createTable('campaigns', (t) => {
    t.bigIncrements('id');
    t.text('code').notNullable().unique();
    t.text('name').notNullable();
    t.text('status').notNullable().defaultTo('draft');
    t.text('purpose').notNullable();
    t.text('dial_mode').notNullable().defaultTo('progressive');
    t.text('caller_id_number');
    t.text('caller_id_name');
    t.text('script');
    t.text('trunk');
    t.decimal('abandon_target', 6, 5).notNullable().defaultTo(0.03);
    t.integer('max_attempts').notNullable().defaultTo(5);
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.bigInteger('created_by').references('agents.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(
      `status in ('draft','approved','trial','active','paused','completed')`,
      [],
      'campaigns_status_check',
    );
    t.check(
      `dial_mode in ('preview','progressive','predictive','agentless')`,
      [],
      'campaigns_dial_mode_check',
    );
    t.check(`abandon_target >= 0 and abandon_target <= 1`, [], 'campaigns_abandon_target_check');
  });

  await knex.schema.createTable('campaign_approvals', (t) => {
    t.bigIncrements('id');
    t.bigInteger('campaign_id').notNullable().references('campaigns.id').onDelete('CASCADE');
    t.bigInteger('approver_id').notNullable().references('agents.id');
    t.text('level').notNullable();
    t.text('note');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['campaign_id', 'approver_id']);
  });

  await knex.schema.createTable('lists', (t) => {
    t.bigIncrements('id');
    t.bigInteger('campaign_id').notNullable().references('campaigns.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('source_file');
    t.text('source_sha256');
    t.text('status').notNullable().defaultTo('importing');
    t.integer('rows_read').notNullable().defaultTo(0);
    t.integer('rows_imported').notNullable().defaultTo(0);
    t.integer('rows_merged').notNullable().defaultTo(0);
    t.integer('rows_rejected').notNullable().defaultTo(0);
    t.bigInteger('created_by').references('agents.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('leads', (t) => {
    t.bigIncrements('id');
    t.bigInteger('campaign_id').notNullable().references('campaigns.id').onDelete('CASCADE');
    t.bigInteger('list_id').references('lists.id').onDelete('SET NULL');
    t.text('phone_e164').notNullable();
    t.text('timezone').notNullable();
    t.text('timezone_source').notNullable().defaultTo('explicit');
    t.text('name');
    t.jsonb('attributes').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('new');
    t.integer('priority').notNullable().defaultTo(100);
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('attempts_today').notNullable().defaultTo(0);
    t.date('attempts_day');
    t.timestamp('last_attempt_at', { useTz: true });
    t.text('last_outcome');
    t.timestamp('next_attempt_at', { useTz: true });
    t.timestamp('last_abandoned_at', { useTz: true });
    t.timestamp('last_contact_at', { useTz: true });
    /** Confidentiality: when set, only this agent (and supervisors) may see the record. */
    t.bigInteger('assigned_agent_id').references('agents.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['campaign_id', 'phone_e164']);
    t.check(
      `status in ('new','scheduled','dialling','callback','done','dnc','invalid','blocked')`,
      [],
      'leads_status_check',
    );
  });
  // Lead selection reads the head of this index, so its cost does not grow with list size.
  await knex.raw(
    `create index leads_ready_idx on leads (campaign_id, priority, next_attempt_at, id)
     where status in ('new','scheduled','callback')`,
  );
  await knex.raw(`create index leads_phone_idx on leads (phone_e164)`);

  await knex.schema.createTable('dnc_entries', (t) => {
    t.bigIncrements('id');
    t.text('phone_e164').notNullable();
    t.text('type').notNullable();
    t.text('name');
    t.text('reason');
    t.text('source').notNullable();
    t.bigInteger('added_by').references('agents.id');
    t.text('call_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
    t.unique(['phone_e164', 'type']);
    t.check(
      `type in ('marketing','survey','care','personalised-marketing','all')`,
      [],
      'dnc_entries_type_check',
    );
  });

  await knex.schema.createTable('blacklist', (t) => {
    t.bigIncrements('id');
    t.text('phone_e164').notNullable().unique();
    t.text('name');
    t.text('reason').notNullable();
    t.bigInteger('complaint_id');
    t.bigInteger('added_by').references('agents.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('agent_sessions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('agent_id').notNullable().references('agents.id');
    t.text('sip_endpoint').notNullable();
    t.text('pbx_call_id');
    t.text('bridge_id');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('ended_at', { useTz: true });
    t.text('end_reason');
  });

  await knex.schema.createTable('agent_state_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('agent_id').notNullable().references('agents.id');
    t.bigInteger('session_id').references('agent_sessions.id');
    t.text('state').notNullable();
    t.text('pause_code');
    t.bigInteger('campaign_id').references('campaigns.id');
    t.text('call_id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['agent_id', 'at']);
    t.check(
      `state in ('logged-out','ready','paused','reserved','on-call','wrap-up')`,
      [],
      'agent_state_events_state_check',
    );
  });

  await knex.schema.createTable('calls', (t) => {
    // Deterministic attempt id "c<campaign>-l<lead>-a<attempt>": a second insert of the same
    // attempt fails, which is what keeps one attempt from being dialled twice.
    t.text('id').primary();
    t.bigInteger('campaign_id').notNullable().references('campaigns.id');
    t.bigInteger('lead_id').notNullable().references('leads.id');
    t.integer('attempt').notNullable();
    t.text('kind').notNullable().defaultTo('customer');
    t.text('phone_e164').notNullable();
    t.text('trunk');
    t.text('pbx_node');
    t.text('caller_id');
    t.timestamp('reserved_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('originated_at', { useTz: true });
    t.timestamp('ringing_at', { useTz: true });
    t.timestamp('answered_at', { useTz: true });
    t.timestamp('amd_at', { useTz: true });
    t.timestamp('bridged_at', { useTz: true });
    t.timestamp('ended_at', { useTz: true });
    t.text('outcome');
    t.integer('hangup_cause');
    t.text('hangup_cause_text');
    t.integer('sip_status');
    t.text('amd_result');
    t.text('amd_detail');
    t.bigInteger('agent_id').references('agents.id');
    t.boolean('abandoned').notNullable().defaultTo(false);
    t.timestamp('id_message_at', { useTz: true });
    t.text('failure');
    t.unique(['campaign_id', 'lead_id', 'attempt']);
    t.index(['campaign_id', 'answered_at']);
    t.index(['lead_id']);
  });

  await knex.schema.createTable('dispositions', (t) => {
    t.bigIncrements('id');
    t.text('call_id').notNullable().unique().references('calls.id');
    t.bigInteger('agent_id').references('agents.id');
    t.text('code').notNullable();
    t.text('notes');
    t.jsonb('consent').notNullable().defaultTo('{}');
    t.jsonb('sale');
    t.timestamp('callback_at', { useTz: true });
    t.boolean('dnc_requested').notNullable().defaultTo(false);
    t.integer('satisfaction');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('recordings', (t) => {
    t.bigIncrements('id');
    t.text('call_id').notNullable().references('calls.id');
    t.text('pbx_name').notNullable().unique();
    t.text('status').notNullable().defaultTo('recording');
    t.text('path');
    t.text('sha256');
    t.bigInteger('bytes');
    t.decimal('duration_sec', 10, 2);
    t.text('format').notNullable().defaultTo('wav');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('archived_at', { useTz: true });
    t.timestamp('spool_deleted_at', { useTz: true });
    t.text('failure');
    t.check(`status in ('recording','finished','archived','failed')`, [], 'recordings_status_check');
  });

  await knex.schema.createTable('qa_reviews', (t) => {
    t.bigIncrements('id');
    t.text('call_id').notNullable().references('calls.id');
    t.bigInteger('reviewer_id').notNullable().references('agents.id');
    t.text('sampled_by');
    t.jsonb('scores').notNullable().defaultTo('{}');
    t.jsonb('standards').notNullable().defaultTo('{}');
    t.decimal('total', 6, 2);
    t.boolean('passed');
    t.boolean('marked_typical').notNullable().defaultTo(false);
    t.text('notes');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('complaints', (t) => {
    t.bigIncrements('id');
    t.text('call_id').references('calls.id');
    t.text('phone_e164').notNullable();
    t.text('cause').notNullable();
    t.text('resolution');
    t.text('status').notNullable().defaultTo('open');
    t.boolean('blacklisted').notNullable().defaultTo(false);
    t.bigInteger('created_by').references('agents.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('resolved_at', { useTz: true });
  });

  await knex.schema.createTable('callbacks', (t) => {
    t.bigIncrements('id');
    t.bigInteger('campaign_id').notNullable().references('campaigns.id');
    t.bigInteger('lead_id').notNullable().references('leads.id');
    t.text('kind').notNullable().defaultTo('callback');
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.bigInteger('agent_id').references('agents.id');
    t.text('status').notNullable().defaultTo('pending');
    t.text('call_id');
    t.timestamp('trial_ends_at', { useTz: true });
    t.boolean('extended').notNullable().defaultTo(false);
    t.text('note');
    t.bigInteger('created_by').references('agents.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('done_at', { useTz: true });
    t.index(['campaign_id', 'status', 'due_at']);
    t.check(`kind in ('callback','second-confirmation','corrective')`, [], 'callbacks_kind_check');
    t.check(`status in ('pending','done','missed','cancelled')`, [], 'callbacks_status_check');
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('actor').notNullable();
    t.text('action').notNullable();
    t.text('entity').notNullable();
    t.text('entity_id');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.index(['entity', 'entity_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'audit_log',
    'callbacks',
    'complaints',
    'qa_reviews',
    'recordings',
    'dispositions',
    'calls',
    'agent_state_events',
    'agent_sessions',
    'blacklist',
    'dnc_entries',
    'leads',
    'lists',
    'campaign_approvals',
    'campaigns',
    'agents',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
