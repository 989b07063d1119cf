#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { createApp, type App } from '../app.js';
import { ConfigError, loadConfig, type Config } from '../config/load.js';
import { registerApiKeyCommand } from './commands/apikey.js';
import { registerCampaignCommand } from './commands/campaign.js';
import { registerConfigCommand } from './commands/config.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDncCommand } from './commands/dnc.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerImportCommand } from './commands/import.js';
import { registerRecordingsCommand } from './commands/recordings.js';
import { registerRefusalsCommand } from './commands/refusals.js';
import { registerRunCommand } from './commands/run.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerSurveyCommand } from './commands/survey.js';
import { registerLabCommand } from './commands/lab.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerPbxCommand } from './commands/pbx.js';
import { registerWebhooksCommand } from './commands/webhooks.js';
import { registerUserCommand } from './commands/user.js';
import { DependencyUnavailableError, EX_UNAVAILABLE } from '../startup/dependencies.js';

/** Exit code for a bad configuration (sysexits EX_CONFIG). */
const EX_CONFIG = 78;

/** The app a command built, so it is closed whether the command succeeded or failed. */
export interface AppHolder {
  app?: App;
  /** Set by the demo: the lab's embedded defaults unless a file is named (-c or $DIALER_CONFIG). */
  labOnly?: boolean;
}

/** What the app is for: the demo never picks up config/dialer.yaml (it would dial a real trunk). */
export interface AppRequest {
  labOnly?: boolean;
  /** Postgres only (doctor, import, campaign, …): a PBX credential file need not be readable. */
  databaseOnly?: boolean;
}

function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export function buildProgram(holder: AppHolder = {}): Command {
  const program = new Command('dialer')
    .description('Outbound dialer engine for Asterisk and FreeSWITCH')
    .version(`dialer ${packageVersion()} (Node ${process.versions.node})`, '-V, --version')
    .option(
      '-c, --config <file>',
      'configuration file (default: $DIALER_CONFIG, config/dialer.yaml, or the lab defaults)',
    )
    .showHelpAfterError();

  const getConfig = (databaseOnly = false): Config =>
    loadConfig({
      file: program.opts<{ config?: string }>().config,
      implicitFile: !holder.labOnly,
      pbxSecrets: databaseOnly ? 'optional' : 'required',
    });
  const getApp = async (request: AppRequest = {}): Promise<App> => {
    if (request.labOnly) holder.labOnly = true;
    holder.app ??= createApp(getConfig(request.databaseOnly));
    return Promise.resolve(holder.app);
  };
  const getDbApp = () => getApp({ databaseOnly: true });
  program.hook('postAction', async () => {
    await holder.app?.close();
  });

  registerConfigCommand(program, () => getConfig());
  registerMigrateCommand(program, getDbApp);
  registerCampaignCommand(program, getDbApp);
  registerImportCommand(program, getDbApp);
  registerDncCommand(program, getDbApp);
  registerDoctorCommand(program, getDbApp);
  registerPbxCommand(program, getApp);
  registerRefusalsCommand(program, getDbApp);
  registerRecordingsCommand(program, getDbApp);
  registerWebhooksCommand(program, getApp);
  registerDemoCommand(program, getApp);
  registerSimulateCommand(program, getDbApp);
  registerSurveyCommand(program, getDbApp);
  registerRunCommand(program, getApp);
  registerLabCommand(program);
  registerApiKeyCommand(program, getDbApp);
  registerUserCommand(program, getDbApp);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const holder: AppHolder = {};
  try {
    await buildProgram(holder).parseAsync(argv);
    return 0;
  } catch (err) {
    // A failed command must not leave sockets or pools keeping the process alive.
    await holder.app?.close().catch(() => undefined);
    if (err instanceof ConfigError) {
      console.error(`Configuration error in ${err.message}`);
      return EX_CONFIG;
    }
    if (err instanceof DependencyUnavailableError) {
      console.error(err.message);
      return EX_UNAVAILABLE;
    }
    console.error(err instanceof Error ? `error: ${err.message}` : err);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  process.exitCode = await main(process.argv);
}
