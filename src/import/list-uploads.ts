import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import type { Knex } from 'knex';
import { importLeads, type ImportSummary } from './import-leads.js';

export interface UploadStatus {
  id: string;
  campaignId: number;
  fileName: string;
  phase: 'importing' | 'done' | 'failed';
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
  error: string | null;
  summary: Omit<ImportSummary, 'rejectsFile' | 'seconds' | 'rowsPerSecond' | 'dryRun' | 'rowsRead'> | null;
  rejects: { row: number; field: string; reason: string }[];
  /** Who started it (`user:alice`); only they and admins may watch it. */
  actor: string;
}

export interface ListUploadDeps {
  db: Knex;
  defaultRegion: string;
  defaultTimezone: string;
  /** Each status change (progress, done, failed): the event stream's `import:<id>` topic. */
  onStatus: (s: UploadStatus) => void;
  /** Written once the import ends, with the real actor. */
  audit: (s: UploadStatus) => Promise<void>;
  /** Largest file accepted, bytes. */
  maxBytes?: number;
  /** How long a finished upload's rejects stay downloadable [1 h]. */
  keepMs?: number;
}

/** How many rejected rows the status carries (the whole list: the rejects CSV). */
const REJECTS_SHOWN = 100;

export class UploadTooLargeError extends Error {}

/**
 * Lead lists uploaded through the API: the bytes go to a private temporary file (0600 in a 0700
 * directory of its own), then `importLeads` runs in the background (one transaction, as the CLI
 * does) and reports progress. The uploaded copy is deleted as soon as the import ends; the
 * rejects file stays for `keepMs` so it can be downloaded. Statuses live in this process only:
 * after a restart an upload's status is gone, but the import itself was all or nothing.
 */
export class ListUploads {
  private readonly uploads = new Map<
    string,
    { status: UploadStatus; dir: string; rejectsFile: string | null }
  >();

  constructor(private readonly d: ListUploadDeps) {}

  async start(o: {
    campaignId: number;
    fileName: string;
    body: Readable;
    actor: string;
    createdBy?: number;
  }) {
    const dir = await mkdtemp(join(tmpdir(), 'dialer-upload-'));
    const safeName = o.fileName.replace(/[^A-Za-z0-9._-]/g, '_').slice(-100) || 'list.csv';
    const file = join(dir, safeName);
    let bytes = 0;
    const max = this.d.maxBytes ?? 500 * 1024 * 1024;
    try {
      o.body.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > max) o.body.destroy(new UploadTooLargeError(`the file is larger than ${max} bytes`));
      });
      await pipeline(o.body, createWriteStream(file, { mode: 0o600, flags: 'wx' }));
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    const status: UploadStatus = {
      id: randomUUID(),
      campaignId: o.campaignId,
      fileName: o.fileName,
      phase: 'importing',
      rowsRead: 0,
      bytesRead: 0,
      totalBytes: bytes,
      error: null,
      summary: null,
      rejects: [],
      actor: o.actor,
    };
    const entry = { status, dir, rejectsFile: null as string | null };
    this.uploads.set(status.id, entry);
    void this.run(entry, file, o.createdBy);
    return status;
  }

  get(id: string): UploadStatus | undefined {
    return this.uploads.get(id)?.status;
  }

  rejectsFile(id: string): string | null {
    return this.uploads.get(id)?.rejectsFile ?? null;
  }

  private update(entry: { status: UploadStatus }, change: Partial<UploadStatus>): void {
    entry.status = { ...entry.status, ...change };
    this.d.onStatus(entry.status);
  }

  private async run(
    entry: { status: UploadStatus; dir: string; rejectsFile: string | null },
    file: string,
    createdBy?: number,
  ) {
    try {
      const s = await importLeads({
        db: this.d.db,
        file,
        campaignId: entry.status.campaignId,
        defaultRegion: this.d.defaultRegion,
        defaultTimezone: this.d.defaultTimezone,
        createdBy,
        onProgress: (p) => this.update(entry, { rowsRead: p.rowsRead, bytesRead: p.bytesRead }),
      });
      entry.rejectsFile = s.rejectsFile;
      const { rejectsFile: _f, seconds: _s, rowsPerSecond: _r, dryRun: _d, rowsRead, ...summary } = s;
      const rejects = s.rejectsFile ? await firstRejects(s.rejectsFile) : [];
      this.update(entry, { phase: 'done', rowsRead, bytesRead: entry.status.totalBytes, summary, rejects });
    } catch (err) {
      this.update(entry, { phase: 'failed', error: err instanceof Error ? err.message : String(err) });
    } finally {
      await unlink(file).catch(() => undefined);
    }
    await this.d.audit(entry.status).catch(() => undefined);
    setTimeout(() => void this.forget(entry.status.id), this.d.keepMs ?? 3_600_000).unref();
  }

  private async forget(id: string): Promise<void> {
    const entry = this.uploads.get(id);
    this.uploads.delete(id);
    if (entry) await rm(entry.dir, { recursive: true, force: true });
  }

  /** Removes every upload's files (at shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.uploads.keys()].map((id) => this.forget(id)));
  }
}

async function firstRejects(path: string): Promise<UploadStatus['rejects']> {
  const rows = parse<Record<string, string>>(await readFile(path, 'utf8'), {
    columns: true,
    to: REJECTS_SHOWN,
    relax_column_count: true,
  });
  return rows.map((r) => ({
    row: Number(r['row'] ?? 0),
    field: r['field'] ?? '',
    // The rejects file's columns (src/import/rejects.ts): row, field, code, message, raw.
    reason: r['message'] ?? '',
  }));
}
