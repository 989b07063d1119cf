#!/usr/bin/env node
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
import { registerRefusalsCommand } from './commands/refusals.js';
import { registerRunCommand } from './commands/run.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerSurveyCommand } from './commands/survey.js';
import { registerLabCommand } from './commands/lab.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerWebhooksCommand } from './commands/webhooks.js';
import { registerUserCommand } from './commands/user.js';
import { DependencyUnavailableError, EX_UNAVAILABLE } from '../startup/dependencies.js';

/** Exit code for a bad configuration (sysexits EX_CONFIG). */
const EX_CONFIG = 78;

/** The app a command built, so it is closed whether the command succeeded or failed. */
export interface AppHolder {
  app?: App;
}

export function buildProgram(holder: AppHolder = {}): Command {
  const program = new Command('dialer')
    .description('Outbound dialer engine for Asterisk and FreeSWITCH')
    .option(
      '-c, --config <file>',
      'configuration file (default: $DIALER_CONFIG, config/dialer.yaml, or the lab defaults)',
    )
    .showHelpAfterError();

  const getConfig = (): Config => loadConfig({ file: program.opts<{ config?: string }>().config });
  const getApp = async (): Promise<App> => {
    holder.app ??= createApp(getConfig());
    return Promise.resolve(holder.app);
  };
  program.hook('postAction', async () => {
    await holder.app?.close();
  });

  registerConfigCommand(program, getConfig);
  registerMigrateCommand(program, getApp);
  registerCampaignCommand(program, getApp);
  registerImportCommand(program, getApp);
  registerDncCommand(program, getApp);
  registerDoctorCommand(program, getApp);
  registerRefusalsCommand(program, getApp);
  registerWebhooksCommand(program, getApp);
  registerDemoCommand(program, getApp);
  registerSimulateCommand(program, getApp);
  registerSurveyCommand(program, getApp);
  registerRunCommand(program, getApp);
  registerLabCommand(program);
  registerApiKeyCommand(program, getApp);
  registerUserCommand(program, getApp);
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
