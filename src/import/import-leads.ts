import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Knex } from 'knex';
import { csvRows } from './csv-rows.js';
import { sniffEncoding } from './encoding.js';
import { insertLeadBatch, type BatchResult } from '../store/lead-ledger/index.js';
import {
  ImportFileError,
  mapColumns,
  prepareRow,
  type ColumnMap,
  type LeadRow,
  type RejectKind,
  type RowDefaults,
} from './lead-row.js';
import { RejectsWriter } from './rejects.js';
import { xlsxRows } from './xlsx-rows.js';
import { checkXlsxBomb } from './xlsx-guard.js';

export interface ImportProgress {
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportOptions {
  db: Knex;
  file: string;
  campaignId: number;
  /** Region for numbers written without a country code (ISO 3166 alpha-2) [US]. */
  defaultRegion?: string;
  /** Zone for numbers whose country is not in the zone table [UTC]. */
  defaultTimezone?: string;
  /** Validate and count everything, then roll back. */
  dryRun?: boolean;
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void;
  /** Who runs the import (lists.created_by). */
  createdBy?: number;
}

export interface ImportSummary {
  listId: number | null;
  dryRun: boolean;
  rowsRead: number;
  imported: number;
  mergedInFile: number;
  mergedExisting: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  rejectsFile: string | null;
  seconds: number;
  rowsPerSecond: number;
}

/** Thrown by a dry run to roll the transaction back once the summary is known. */
class DryRunRollback extends Error {}

/**
 * Imports a lead list (CSV, or the first sheet of an .xlsx workbook) into a campaign, streaming
 * (bounded memory at any file size).
 *
 * All-or-nothing per file: the whole import is one transaction, so a crash or a file-level
 * error leaves no half list behind and re-running the same file is always safe. A resumable
 * import would need per-batch checkpoints and a way to re-identify rows; Postgres copes with a
 * million-row transaction easily, so the simpler guarantee wins. Bad rows do not fail the file:
 * they go to `<file>.rejects.csv` with line number, column and reason.
 */
export async function importLeads(o: ImportOptions): Promise<ImportSummary> {
  const started = process.hrtime.bigint();
  if (fileFormat(o.file) === 'csv' && (await sniffEncoding(o.file)) === 'not-utf8') {
    throw new ImportFileError(
      `${o.file} is not UTF-8 (most non-ASCII bytes are not valid UTF-8; Latin-1 or GBK?). ` +
        `Nothing was imported. Convert it first, e.g. iconv -f GBK -t UTF-8`,
    );
  }
  if (fileFormat(o.file) === 'xlsx') await checkXlsxBomb(o.file);
  const totalBytes = (await stat(o.file)).size;
  const rejects = new RejectsWriter(`${o.file}.rejects.csv`);
  await rejects.start();
  const state = new ImportState(rejects);
  let listId: number | null = null;
  try {
    await o.db.transaction(async (trx) => {
      listId = await createList(trx, o);
      await streamRows(trx, o, listId, state, totalBytes);
      await finishList(trx, listId, state);
      if (o.dryRun) throw new DryRunRollback();
    });
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  } finally {
    await rejects.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return state.summary(o.dryRun ? null : listId, !!o.dryRun, rejects, seconds);
}

class ImportState {
  rowsRead = 0;
  totals: BatchResult = { inserted: 0, mergedInFile: 0, mergedExisting: 0 };
  byReason: Record<string, number> = {};
  constructor(readonly rejects: RejectsWriter) {}

  add(r: BatchResult): void {
    this.totals.inserted += r.inserted;
    this.totals.mergedInFile += r.mergedInFile;
    this.totals.mergedExisting += r.mergedExisting;
  }

  async reject(kind: RejectKind, row: number, field: string, reason: string, raw: string): Promise<void> {
    this.byReason[kind] = (this.byReason[kind] ?? 0) + 1;
    await this.rejects.write({ row, field, code: kind, message: reason, raw });
  }

  summary(listId: number | null, dryRun: boolean, rejects: RejectsWriter, seconds: number): ImportSummary {
    return {
      listId,
      dryRun,
      rowsRead: this.rowsRead,
      imported: this.totals.inserted,
      mergedInFile: this.totals.mergedInFile,
      mergedExisting: this.totals.mergedExisting,
      rejected: rejects.written,
      rejectedByReason: this.byReason,
      rejectsFile: rejects.written > 0 ? rejects.path : null,
      seconds,
      rowsPerSecond: seconds > 0 ? Math.round(this.rowsRead / seconds) : this.rowsRead,
    };
  }
}

async function createList(trx: Knex, o: ImportOptions): Promise<number> {
  const campaign = await trx('campaigns').where({ id: o.campaignId }).first<{ id: number } | undefined>('id');
  if (!campaign) throw new ImportFileError(`no campaign with id ${o.campaignId}`);
  const [row] = await trx('lists')
    .insert({
      campaign_id: o.campaignId,
      name: basename(o.file),
      source_file: o.file,
      created_by: o.createdBy ?? null,
    })
    .returning<{ id: number }[]>('id');
  if (!row) throw new Error('list insert returned nothing');
  return row.id;
}

async function finishList(trx: Knex, listId: number, s: ImportState): Promise<void> {
  await trx('lists')
    .where({ id: listId })
    .update({
      status: 'imported',
      rows_read: s.rowsRead,
      rows_imported: s.totals.inserted,
      rows_merged: s.totals.mergedInFile + s.totals.mergedExisting,
      rows_rejected: s.rejects.written,
    });
}

async function streamRows(trx: Knex, o: ImportOptions, listId: number, s: ImportState, totalBytes: number) {
  const defaults: RowDefaults = {
    defaultRegion: o.defaultRegion ?? 'US',
    defaultTimezone: o.defaultTimezone ?? 'UTC',
  };
  const batchSize = o.batchSize ?? 2000;
  const source = fileFormat(o.file) === 'xlsx' ? xlsxRows(o.file) : csvRows(o.file);
  let cols: ColumnMap | undefined;
  let batch: LeadRow[] = [];
  for await (const item of source.items) {
    if (item.kind === 'unreadable') {
      const field =
        item.field === undefined ? '(row)' : (cols?.header[item.field - 1] ?? `column ${item.field}`);
      await s.reject(item.code, item.line, field, `unreadable CSV: ${item.message}`, item.raw);
      continue;
    }
    if (!cols) {
      cols = mapColumns(item.record);
      continue;
    }
    s.rowsRead += 1;
    const r = prepareRow(item.record, cols, defaults);
    if (!r.ok) await s.reject(r.kind, item.line, r.field, r.reason, item.raw);
    else batch.push(r.lead);
    if (batch.length >= batchSize) {
      s.add(await insertLeadBatch(trx, o.campaignId, listId, batch));
      batch = [];
      o.onProgress?.({ rowsRead: s.rowsRead, bytesRead: source.bytesRead(), totalBytes });
    }
  }
  if (!cols) throw new ImportFileError(`${o.file} is empty (no header row)`);
  s.add(await insertLeadBatch(trx, o.campaignId, listId, batch));
  o.onProgress?.({ rowsRead: s.rowsRead, bytesRead: totalBytes, totalBytes });
}

/** CSV unless the name says .xlsx; the old binary .xls is refused with what to do instead. */
export function fileFormat(file: string): 'csv' | 'xlsx' {
  const lower = file.toLowerCase();
  if (lower.endsWith('.xlsx')) return 'xlsx';
  if (lower.endsWith('.xls')) {
    throw new ImportFileError(
      `${file} is an old binary Excel file (.xls); nothing was imported. Save it as .xlsx or CSV (UTF-8).`,
    );
  }
  return 'csv';
}
