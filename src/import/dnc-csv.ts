import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Knex } from 'knex';
import {
  addDnc,
  addToBlacklist,
  DncInputError,
  parseDncType,
  toE164,
  type BlacklistInput,
  type DncInput,
} from '../store/repositories/dnc.js';
import { csvLine } from '../files/csv-writer.js';
import type { PgWebhookOutbox } from '../store/webhook-outbox.js';
import { csvRows } from './csv-rows.js';
import { ImportFileError } from './lead-row.js';
import { RejectsWriter } from './rejects.js';

export interface DncImportSummary {
  read: number;
  added: number;
  rejected: number;
  rejectsFile: string | null;
}

/** Longest text accepted per DNC column, in characters. */
export const DNC_FIELD_LIMITS: Record<string, number> = {
  phone: 64,
  type: 32,
  reason: 500,
  name: 200,
  source: 64,
};

type Row = Record<string, string>;
type Options = {
  defaultRegion: string;
  actor: string;
  /** The person doing the import (agents.id), shown as "added by". */
  addedBy?: number;
  defaultType?: string;
  /** New entries become `dnc-added` webhook events, stored in the import's transaction. */
  outbox?: PgWebhookOutbox;
};

/**
 * Applies a CSV of phone entries (a header naming `phone` and more columns) in one transaction:
 * each row is read by `entryOf` and applied by `apply`; a row whose input is bad (a
 * `DncInputError`, naming its field) and an unreadable line go to `<file>.rejects.csv` with its
 * line number and cost only themselves; a database error aborts the whole file.
 */
async function importPhoneCsv<E>(
  db: Knex,
  file: string,
  entryOf: (row: Row) => E,
  apply: (trx: Knex.Transaction, entry: E) => Promise<void>,
): Promise<DncImportSummary> {
  const rejects = new RejectsWriter(`${file}.rejects.csv`);
  await rejects.start();
  let read = 0;
  let added = 0;
  try {
    await db.transaction(async (trx) => {
      let header: string[] | undefined;
      for await (const item of csvRows(file).items) {
        if (header) read += 1;
        if (item.kind === 'unreadable') {
          const field =
            item.field === undefined ? '(row)' : (header?.[item.field - 1] ?? `column ${item.field}`);
          await rejects.write({
            row: item.line,
            field,
            code: item.code,
            message: item.message,
            raw: item.raw,
          });
          continue;
        }
        if (!header) {
          header = item.record.map((c) => c.trim().toLowerCase());
          if (!header.includes('phone'))
            throw new ImportFileError(`missing required column "phone" in ${file}`);
          continue;
        }
        const row: Row = Object.fromEntries(header.map((h, i) => [h, item.record[i] ?? '']));
        try {
          await apply(trx, entryOf(row));
          added += 1;
        } catch (err) {
          // Only input faults are row rejects; a database error aborts the whole file.
          if (!(err instanceof DncInputError)) throw err;
          const { field, code, message } = err;
          await rejects.write({ row: item.line, field, code, message, raw: item.raw });
        }
      }
    });
  } finally {
    await rejects.close();
  }
  return { read, added, rejected: rejects.written, rejectsFile: rejects.written ? rejects.path : null };
}

/**
 * Imports DNC entries from CSV (columns: phone, type [default `all`], reason, name, source).
 * One transaction: the file is applied whole or not at all; bad rows (and unreadable lines,
 * which never cost the rows around them) go to `<file>.rejects.csv`.
 */
export async function importDncCsv(db: Knex, file: string, o: Options): Promise<DncImportSummary> {
  const summary = await importPhoneCsv(
    db,
    file,
    (row) => entryOf(row, o),
    async (trx, entry) => {
      await addDnc(trx, entry, o.outbox);
    },
  );
  o.outbox?.onRecorded();
  return summary;
}

/** Longest text accepted per blacklist column, in characters. */
export const BLACKLIST_FIELD_LIMITS: Record<string, number> = {
  phone: 64,
  reason: 500,
  name: 200,
  complaint: 20,
};

/**
 * Blacklists the numbers of a CSV (columns: phone, reason [default `defaultReason`], name,
 * complaint — a complaint id), in one transaction, each audited as `blacklist.add`. A row with a
 * bad number, no reason or a bad complaint id is a reject naming its row and field; the good rows
 * are kept. `dialer dnc blacklist --file`.
 */
export function importBlacklistCsv(
  db: Knex,
  file: string,
  o: { defaultRegion: string; actor: string; defaultReason?: string },
): Promise<DncImportSummary> {
  return importPhoneCsv(db, file, (row) => blacklistEntryOf(row, o), addToBlacklist);
}

function checkLimits(row: Row, limits: Record<string, number>): void {
  for (const [field, max] of Object.entries(limits)) {
    const n = (row[field] ?? '').length;
    if (n > max) {
      throw new DncInputError(field, `${n} characters long; at most ${max} are allowed`, 'field-too-long');
    }
  }
}

function blacklistEntryOf(
  row: Row,
  o: { defaultRegion: string; actor: string; defaultReason?: string },
): BlacklistInput {
  checkLimits(row, BLACKLIST_FIELD_LIMITS);
  const phone = toE164(row['phone'] ?? '', o.defaultRegion);
  const reason = (row['reason'] ?? '').trim() || o.defaultReason;
  if (!reason)
    throw new DncInputError('reason', 'empty, and no --reason was given for such rows', 'missing-value');
  const complaint = (row['complaint'] ?? '').trim();
  if (complaint && !/^[1-9]\d{0,17}$/.test(complaint))
    throw new DncInputError(
      'complaint',
      `"${complaint}" is not a complaint id (a positive whole number)`,
      'bad-value',
    );
  return {
    phone,
    reason,
    actor: o.actor,
    name: row['name'] || undefined,
    complaintId: complaint ? Number(complaint) : undefined,
  };
}

function entryOf(row: Row, o: Options): DncInput {
  checkLimits(row, DNC_FIELD_LIMITS);
  return {
    phone: toE164(row['phone'] ?? '', o.defaultRegion),
    type: parseDncType(row['type'] || o.defaultType || 'all'),
    reason: row['reason'] || null,
    name: row['name'] || null,
    source: row['source'] || 'import',
    actor: o.actor,
    addedBy: o.addedBy ?? null,
  };
}

export const DNC_EXPORT_HEADER = ['phone', 'type', 'reason', 'name', 'source', 'added_by', 'created_at'];

/**
 * Writes every DNC entry as CSV (phone, type, reason, name, source, added_by, created_at)
 * through the formula-safe writer, reading in id-ordered pages so memory stays flat however
 * large the list is.
 */
export async function exportDncCsv(db: Knex, out: Writable, pageSize = 5000): Promise<number> {
  out.write(csvLine(DNC_EXPORT_HEADER));
  let n = 0;
  let after = 0;
  for (;;) {
    const page = await db('dnc_entries as d')
      .leftJoin('agents as a', 'a.id', 'd.added_by')
      .where('d.id', '>', after)
      .orderBy('d.id')
      .limit(pageSize)
      .select<DncRow[]>(
        'd.id',
        'd.phone_e164',
        'd.type',
        'd.reason',
        'd.name',
        'd.source',
        'a.username',
        'd.created_at',
      );
    for (const r of page) {
      const line = csvLine([
        r.phone_e164,
        r.type,
        r.reason,
        r.name,
        r.source,
        r.username,
        r.created_at.toISOString(),
      ]);
      if (!out.write(line)) await once(out, 'drain');
    }
    n += page.length;
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) return n;
    after = last.id;
  }
}

interface DncRow {
  id: number;
  phone_e164: string;
  type: string;
  reason: string | null;
  name: string | null;
  source: string;
  username: string | null;
  created_at: Date;
}
