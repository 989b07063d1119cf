import type { Command } from 'commander';
import type { App } from '../../app.js';
import { reconcileArchive, type ReconcileReport } from '../../recordings/reconcile.js';
import {
  archiveIsWhole,
  verifyArchive,
  type VerifyProgress,
  type VerifyReport,
} from '../../recordings/verify.js';

function parseSince(since: string | undefined): Date | undefined {
  if (since === undefined) return undefined;
  const d = new Date(since);
  if (Number.isNaN(d.getTime())) throw new Error(`--since: "${since}" is not a date (e.g. 2026-12-01)`);
  return d;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;

/** One line per problem, then a summary; what `dialer recordings verify` prints. */
export function formatVerifyReport(r: VerifyReport): string {
  const lines = [
    ...r.missing.map((m) => `MISSING  ${m.path}  (call ${m.callId})`),
    ...r.altered.map((a) => `ALTERED  ${a.path}  (call ${a.callId}: stored ${a.expected}, now ${a.actual})`),
    ...r.unknown.map((u) => `UNKNOWN  ${u}  (no recording row names this file)`),
    ...r.notInManifest.map((n) => `UNLISTED ${n}  (its folder's SHA256SUMS does not list this hash)`),
    ...r.partial.map((p) => `PARTIAL  ${p}  (an interrupted copy; the spool still holds the recording)`),
  ];
  lines.push(
    `${r.checked} archived recording(s) checked, ${r.ok} verified (${gb(r.bytes)}): ` +
      `${r.missing.length} missing, ${r.altered.length} altered, ${r.unknown.length} unknown file(s), ` +
      `${r.notInManifest.length} not in a manifest`,
  );
  return lines.join('\n');
}

export function formatReconcileReport(r: ReconcileReport): string {
  const lines = [
    ...r.salesWithoutRecording.map(
      (s) => `SALE WITHOUT RECORDING  call ${s.callId} (${s.campaign}, ${s.code}, ${s.at.toISOString()})`,
    ),
    ...r.filesWithoutCall.map((f) => `RECORDING WITHOUT CALL  ${f}`),
  ];
  lines.push(
    `${r.salesWithoutRecording.length} sale(s) without a verified recording, ` +
      `${r.answeredWithoutRecording} answered call(s) without one in all, ` +
      `${r.filesWithoutCall.length} recording file(s) without a call`,
  );
  return lines.join('\n');
}

function progressBar(p: VerifyProgress): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const done = p.totalFiles === 0 ? width : Math.round((p.files / p.totalFiles) * width);
  process.stderr.write(
    `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${p.files}/${p.totalFiles} files, ${gb(p.bytes)}`,
  );
  if (p.files === p.totalFiles) process.stderr.write('\n');
}

/** `dialer recordings verify|reconcile` — the permanent archive, checked without trusting it. */
export function registerRecordingsCommand(program: Command, getApp: () => Promise<App>): void {
  const cmd = program
    .command('recordings')
    .description('the recordings archive: re-hash it, and match sales to recordings one to one');
  cmd
    .command('verify')
    .description('re-hash every archived recording against its stored sha256 and its folder’s SHA256SUMS')
    .option('--since <date>', 'only recordings archived since this date (e.g. 2026-12-01)')
    .option('--json', 'print JSON')
    .action(async (o: { since?: string; json?: boolean }) => {
      const app = await getApp();
      const since = parseSince(o.since);
      const report = await verifyArchive(app.db, app.config.recordings.root, {
        since,
        onProgress: progressBar,
      });
      console.log(o.json ? JSON.stringify(report, null, 2) : formatVerifyReport(report));
      if (!archiveIsWhole(report)) process.exitCode = 1;
    });
  cmd
    .command('reconcile')
    .description('sales without a verified recording, and recording files without a call')
    .option('--since <date>', 'only sales and answered calls since this date')
    .option('--json', 'print JSON')
    .action(async (o: { since?: string; json?: boolean }) => {
      const app = await getApp();
      const report = await reconcileArchive(app.db, app.config.recordings.root, parseSince(o.since));
      console.log(o.json ? JSON.stringify(report, null, 2) : formatReconcileReport(report));
      if (report.salesWithoutRecording.length + report.filesWithoutCall.length > 0) process.exitCode = 1;
    });
}
