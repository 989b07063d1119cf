import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parse, type Info } from 'csv-parse';
import type { Knex } from 'knex';
import { addDnc, DncInputError, parseDncType, toE164 } from '../store/repositories/dnc.js';
import { ImportFileError } from './lead-row.js';
import { csvCell, RejectsWriter } from './rejects.js';

export interface DncImportSummary {
  read: number;
  added: number;
  rejected: number;
  rejectsFile: string | null;
}

/**
 * Imports DNC entries from CSV (columns: phone, type [default `all`], reason, name, source).
 * One transaction: the file is applied whole or not at all; bad rows go to `<file>.rejects.csv`.
 */
export async function importDncCsv(
  db: Knex,
  file: string,
  o: { defaultRegion: string; actor: string; defaultType?: string },
): Promise<DncImportSummary> {
  const rejects = new RejectsWriter(`${file}.rejects.csv`);
  await rejects.start();
  let read = 0;
  let added = 0;
  try {
    await db.transaction(async (trx) => {
      const parser = createReadStream(file, { encoding: 'utf8' }).pipe(
        parse({
          bom: true,
          columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
          info: true,
          raw: true,
          skip_empty_lines: true,
          relax_column_count: true,
        }),
      );
      for await (const rec of parser as AsyncIterable<{
        record: Record<string, string>;
        info: Info;
        raw: string;
      }>) {
        read += 1;
        if (read === 1 && rec.record['phone'] === undefined) {
          throw new ImportFileError(`missing required column "phone" in ${file}`);
        }
        try {
          await addDnc(trx, {
            phone: toE164(rec.record['phone'] ?? '', o.defaultRegion),
            type: parseDncType(rec.record['type'] || o.defaultType || 'all'),
            reason: rec.record['reason'] || null,
            name: rec.record['name'] || null,
            source: rec.record['source'] || 'import',
            actor: o.actor,
          });
          added += 1;
        } catch (err) {
          // Only input faults are row rejects; a database error aborts the whole file.
          if (!(err instanceof DncInputError)) throw err;
          await rejects.write({ row: rec.info.lines, field: err.field, reason: err.message, raw: rec.raw });
        }
      }
    });
  } finally {
    await rejects.close();
  }
  return { read, added, rejected: rejects.written, rejectsFile: rejects.written ? rejects.path : null };
}

/**
 * Writes every DNC entry as CSV (phone, type, reason, name, source, added_by, created_at), reading
 * in id-ordered pages so memory stays flat however large the list is.
 */
export async function exportDncCsv(db: Knex, out: Writable, pageSize = 5000): Promise<number> {
  out.write('phone,type,reason,name,source,added_by,created_at\n');
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
      const cells = [r.phone_e164, r.type, r.reason, r.name, r.source, r.username].map((v) =>
        csvCell(v ?? ''),
      );
      cells.push(r.created_at.toISOString());
      if (!out.write(cells.join(',') + '\n')) await once(out, 'drain');
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
