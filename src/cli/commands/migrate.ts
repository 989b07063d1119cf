import type { Command } from 'commander';
import type { App } from '../../app.js';
import { migrateLatest } from '../../store/db.js';

export function registerMigrateCommand(program: Command, getApp: () => Promise<App>): void {
  program
    .command('migrate')
    .description('create or upgrade the database schema')
    .action(async () => {
      const app = await getApp();
      await ensureDatabase(app.config.database.url);
      const applied = await migrateLatest(app.db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
    });
}

/** Creates the configured database when the server is reachable but the database is not there. */
export async function ensureDatabase(url: string): Promise<void> {
  const { createDb } = await import('../../store/db.js');
  const name = new URL(url).pathname.replace(/^\//, '');
  const admin = createDb({ url: url.replace(/\/[^/?]*(\?.*)?$/, '/postgres'), poolMax: 1 });
  try {
    const found: unknown = await admin('pg_database').where({ datname: name }).first('datname');
    if (!found) await admin.raw('create database ??', [name]);
  } finally {
    await admin.destroy();
  }
}
