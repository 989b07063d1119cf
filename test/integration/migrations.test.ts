import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest, migrateRollbackAll } from '../../src/store/db.js';
import { createTestDb, type TestDb } from '../support/db.js';

describe('migrations', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ migrate: false });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('run forward on an empty database and create the core model', async () => {
    const applied = await migrateLatest(t.db);
    expect(applied[0]).toBe('0001_core');
    const rows = await t
      .db('information_schema.tables')
      .where({ table_schema: 'public' })
      .pluck('table_name');
    for (const table of [
      'campaigns',
      'lists',
      'leads',
      'dnc_entries',
      'blacklist',
      'agents',
      'agent_state_events',
      'calls',
      'dispositions',
      'recordings',
      'qa_reviews',
      'complaints',
      'callbacks',
      'audit_log',
    ]) {
      expect(rows).toContain(table);
    }
  });

  it('is a no-op the second time', async () => {
    expect(await migrateLatest(t.db)).toEqual([]);
  });

  it('refuses a second row for the same dial attempt', async () => {
    const [campaign] = await t
      .db('campaigns')
      .insert({ code: 'm1', name: 'M1', purpose: 'survey' })
      .returning<{ id: number }[]>('id');
    const [lead] = await t
      .db('leads')
      .insert({ campaign_id: campaign?.id, phone_e164: '+15555550000', timezone: 'America/New_York' })
      .returning<{ id: number }[]>('id');
    const row = { campaign_id: campaign?.id, lead_id: lead?.id, attempt: 1, phone_e164: '+15555550000' };
    await t.db('calls').insert({ id: `c${campaign?.id}-l${lead?.id}-a1`, ...row });
    await expect(t.db('calls').insert({ id: `other-id`, ...row })).rejects.toThrow(/unique/);
  });

  it('rejects values outside the model (status, DNC type)', async () => {
    await expect(
      t.db('campaigns').insert({ code: 'bad', name: 'B', purpose: 'survey', status: 'running' }),
    ).rejects.toThrow(/campaigns_status_check/);
    await expect(
      t.db('dnc_entries').insert({ phone_e164: '+15555550000', type: 'spam', source: 'test' }),
    ).rejects.toThrow(/dnc_entries_type_check/);
  });

  it('rolls back to empty and forward again', async () => {
    await migrateRollbackAll(t.db);
    const left = await t
      .db('information_schema.tables')
      .where({ table_schema: 'public' })
      .whereNotIn('table_name', ['knex_migrations', 'knex_migrations_lock'])
      .pluck('table_name');
    expect(left).toEqual([]);
    expect((await migrateLatest(t.db)).length).toBeGreaterThan(0);
  });
});
