import type { Command } from 'commander';
import type { App } from '../../app.js';
import { formatReport } from '../../diagnosis/pbx-check/report.js';
import { runPbxChecks } from '../../diagnosis/pbx-check/run-checks.js';

/** `dialer pbx check [--node NAME] [--json]` — what a PBX node lacks, line by line, with the fix. */
export function registerPbxCommand(program: Command, getApp: () => Promise<App>): void {
  const cmd = program.command('pbx').description('the configured PBX nodes');
  cmd
    .command('check')
    .description(
      'connect to each PBX node and report what the dialer needs: ARI and its password, the event socket, modules, the dialer’s contexts, trunks, agents’ phones, sounds, the recording spool (exit 1 when something fails)',
    )
    .option('--node <name>', 'only this node')
    .option('--json', 'print JSON')
    .action(async (o: { node?: string; json?: boolean }) => {
      const app = await getApp();
      // The report is the output; keep the service log to warnings unless asked for more.
      if (app.config.log.level === 'info') app.logger.level = 'warn';
      const lines = await runPbxChecks(app.config, app.db, app.logger, o.node);
      console.log(o.json ? JSON.stringify(lines, null, 2) : formatReport(lines));
      if (lines.some((l) => l.status === 'fail')) process.exitCode = 1;
    });
}
