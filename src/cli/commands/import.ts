import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { App } from '../../app.js';
import { importLeads, type ImportSummary } from '../../import/import-leads.js';
import { getCampaign } from '../../store/repositories/campaigns.js';

export function formatImportSummary(s: ImportSummary): string {
  const lines = [
    `${s.dryRun ? 'DRY RUN (nothing written): ' : ''}read ${s.rowsRead} rows in ${s.seconds.toFixed(1)} s (${s.rowsPerSecond} rows/s)`,
    `  imported  ${s.imported}${s.listId !== null ? ` (list ${s.listId})` : ''}`,
    `  merged    ${s.mergedInFile + s.mergedExisting} (${s.mergedInFile} repeated in the file, ${s.mergedExisting} already in the campaign)`,
    `  rejected  ${s.rejected}`,
  ];
  for (const [reason, n] of Object.entries(s.rejectedByReason)) lines.push(`    ${reason}: ${n}`);
  if (s.rejectsFile) lines.push(`  rejected rows with line, column and reason: ${s.rejectsFile}`);
  return lines.join('\n');
}

/** `dialer import FILE --campaign X [--region US] [--dry-run]` */
export function registerImportCommand(program: Command, getApp: () => Promise<App>): void {
  program
    .command('import')
    .description(
      'import a lead list (CSV or .xlsx) into a campaign (one transaction; bad rows to FILE.rejects.csv)',
    )
    .argument('<file>', 'CSV or .xlsx file with a header row and a phone column')
    .requiredOption('--campaign <id|code>', 'target campaign')
    .option('--region <CC>', 'region for numbers without a country code (default: config defaultRegion)')
    .option('--dry-run', 'validate and count, write nothing')
    .option('--no-progress', 'no progress bar')
    .action(
      async (
        file: string,
        opts: { campaign: string; region?: string; dryRun?: boolean; progress: boolean },
      ) => {
        const app = await getApp();
        const campaign = await getCampaign(app.db, opts.campaign);
        const bar =
          opts.progress && process.stderr.isTTY
            ? new cliProgress.SingleBar(
                {
                  format: 'importing [{bar}] {percentage}% | {rows} rows | {eta_formatted} left',
                  stream: process.stderr,
                },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
        bar?.start(100, 0, { rows: 0 });
        try {
          const summary = await importLeads({
            db: app.db,
            file,
            campaignId: campaign.id,
            defaultRegion: opts.region ?? app.config.defaultRegion,
            defaultTimezone: app.config.timezone,
            dryRun: opts.dryRun,
            onProgress: (p) =>
              bar?.update(Math.floor((100 * p.bytesRead) / Math.max(1, p.totalBytes)), { rows: p.rowsRead }),
          });
          bar?.stop();
          console.log(formatImportSummary(summary));
        } finally {
          bar?.stop();
        }
      },
    );
}
