import { stat } from 'node:fs/promises';
import type { Knex } from 'knex';
import { sha256File } from './archiver.js';
import { MANIFEST, ManifestLookup, walk } from './manifest.js';

export interface VerifyProgress {
  files: number;
  totalFiles: number;
  bytes: number;
}

export interface VerifyReport {
  /** Archived rows checked (since `since`, when given). */
  checked: number;
  ok: number;
  bytes: number;
  /** Rows whose file is gone. */
  missing: { callId: string; path: string }[];
  /** Rows whose file no longer hashes to the stored sha256. */
  altered: { callId: string; path: string; expected: string; actual: string }[];
  /** Files under the root that no archived row names (a call with no row, or a stray copy). */
  unknown: string[];
  /** Archived files their folder's SHA256SUMS does not list, or lists with another hash. */
  notInManifest: string[];
  /** `.partial` copies an interrupted archive left behind (never verified, never counted). */
  partial: string[];
}

interface ArchivedRow {
  call_id: string;
  path: string;
  sha256: string;
}

/**
 * Re-hashes the archive against the database and the manifests: streaming, one file at a time,
 * so memory stays flat at any archive size. With `since`, only rows archived since then (and
 * files modified since then, for the unknown-file check) are looked at.
 */
export async function verifyArchive(
  db: Knex,
  root: string,
  o: { since?: Date; onProgress?: (p: VerifyProgress) => void } = {},
): Promise<VerifyReport> {
  const archived = () =>
    db('recordings')
      .where({ status: 'archived' })
      .modify((q) => void (o.since && q.where('archived_at', '>=', o.since)));
  const [{ n } = { n: 0 }] = await archived().count<{ n: string | number }[]>({ n: '*' });
  const totalFiles = Number(n);
  const manifests = new ManifestLookup(root);
  const report: VerifyReport = {
    checked: 0,
    ok: 0,
    bytes: 0,
    missing: [],
    altered: [],
    unknown: [],
    notInManifest: [],
    partial: [],
  };
  // Keyset pages: flat memory however many rows the archive has.
  for (let after = 0; ; ) {
    const page = await archived()
      .andWhere('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .select<(ArchivedRow & { id: string })[]>('id', 'call_id', 'path', 'sha256');
    if (page.length === 0) break;
    for (const r of page) {
      await checkRow(r, manifests, report);
      report.checked += 1;
      o.onProgress?.({ files: report.checked, totalFiles, bytes: report.bytes });
    }
    after = Number(page[page.length - 1]?.id);
  }
  await findUnknown(db, root, o.since, report);
  return report;
}

async function checkRow(r: ArchivedRow, manifests: ManifestLookup, report: VerifyReport): Promise<void> {
  let size: number;
  try {
    size = (await stat(r.path)).size;
  } catch {
    report.missing.push({ callId: r.call_id, path: r.path });
    return;
  }
  const actual = await sha256File(r.path);
  report.bytes += size;
  if (actual !== r.sha256) {
    report.altered.push({ callId: r.call_id, path: r.path, expected: r.sha256, actual });
    return;
  }
  if ((await manifests.hashOf(r.path)) !== r.sha256) report.notInManifest.push(r.path);
  report.ok += 1;
}

async function findUnknown(db: Knex, root: string, since: Date | undefined, report: VerifyReport) {
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const known = new Set(await db('recordings').whereIn('path', batch).pluck<string[]>('path'));
    report.unknown.push(...batch.filter((p) => !known.has(p)));
    batch = [];
  };
  for await (const file of walk(root)) {
    if (file.endsWith(`/${MANIFEST}`)) continue;
    if (file.endsWith('.partial')) {
      report.partial.push(file);
      continue;
    }
    if (since && (await stat(file)).mtime < since) continue;
    batch.push(file);
    if (batch.length >= 500) await flush();
  }
  await flush();
}

/** Whether the archive is whole: nothing missing, altered, unknown or unlisted. */
export function archiveIsWhole(r: VerifyReport): boolean {
  return r.missing.length + r.altered.length + r.unknown.length + r.notInManifest.length === 0;
}
