import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// int8 (bigserial ids, counts) arrive as strings by default; our ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric (abandon targets, durations) as numbers.
pg.types.setTypeParser(1700, (v) => Number(v));

export interface DbOptions {
  url: string;
  poolMax?: number;
  /** Called on errors of idle pool clients, which would otherwise crash the process. */
  onPoolError?: (err: Error) => void;
}

export function createDb(options: DbOptions): Knex {
  return knexFactory({
    client: 'pg',
    connection: options.url,
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      afterCreate: (conn: pg.Client, done: (err: Error | null, conn: pg.Client) => void) => {
        conn.on('error', (err) => options.onPoolError?.(err));
        done(null, conn);
      },
    },
  });
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Finds migrations by file name (`0001_core.ts` or `.js` once compiled), so knex never sees
 * declaration files or the other extension.
 */
class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    const files = await readdir(MIGRATIONS_DIR);
    return files.filter((f) => /^\d{4}_[\w-]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).sort();
  }
  getMigrationName(file: string): string {
    return file.replace(/\.(ts|js)$/, '');
  }
  async getMigration(file: string): Promise<Knex.Migration> {
    return (await import(join(MIGRATIONS_DIR, file))) as MigrationModule;
  }
}

export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource: new DirectoryMigrationSource() })) as [
    number,
    string[],
  ];
  return applied;
}

export async function migrateRollbackAll(db: Knex): Promise<void> {
  await db.migrate.rollback({ migrationSource: new DirectoryMigrationSource() }, true);
}

/** Migrations not yet applied (empty when the schema is up to date). */
export async function pendingMigrations(db: Knex): Promise<string[]> {
  const [, pending] = (await db.migrate.list({ migrationSource: new DirectoryMigrationSource() })) as [
    unknown,
    string[],
  ];
  return pending.map((p) => String(p).replace(/\.(ts|js)$/, ''));
}
