import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createDb, migrateLatest } from '../../src/store/db.js';

/** Admin connection; tests need only CREATE DATABASE rights on the local trust-auth server. */
export function adminUrl(): string {
  return process.env['DIALER_TEST_PG_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface TestDb {
  db: Knex;
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file; `drop()` removes it. */
export async function createTestDb(options: { migrate?: boolean } = {}): Promise<TestDb> {
  const name = `dialer_test_${randomBytes(5).toString('hex')}`;
  const admin = createDb({ url: adminUrl(), poolMax: 1 });
  try {
    await admin.raw(`create database ??`, [name]);
  } finally {
    await admin.destroy();
  }
  const url = adminUrl().replace(/\/[^/]*$/, `/${name}`);
  const db = createDb({ url, poolMax: 5 });
  if (options.migrate !== false) await migrateLatest(db);
  return {
    db,
    url,
    name,
    async drop() {
      await db.destroy();
      const a = createDb({ url: adminUrl(), poolMax: 1 });
      try {
        await a.raw(`drop database if exists ?? with (force)`, [name]);
      } finally {
        await a.destroy();
      }
    },
  };
}
