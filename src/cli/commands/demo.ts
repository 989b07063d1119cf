import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { App } from '../../app.js';
import { formatSummary, runDemo } from '../../demo/run-demo.js';
import { checkAll } from '../../startup/dependencies.js';
import { migrateLatest } from '../../store/db.js';
import { ensureDatabase } from './migrate.js';

const LAB_SCRIPT = fileURLToPath(new URL('../../../scripts/lab/lab.sh', import.meta.url));

interface DemoOpts {
  seconds: string;
  agents: string;
  leads: string;
  mode: string;
  seed: string;
  lab: boolean;
}

/** `dialer demo`: the README's main command — a predictive campaign on the local lab. */
export function registerDemoCommand(
  program: Command,
  getApp: (request: { labOnly: boolean }) => Promise<App>,
): void {
  program
    .command('demo')
    .description('bring up the lab, run a demo campaign on it, print what happened')
    .option('--seconds <n>', 'how long to dial', '240')
    .option('--agents <n>', 'agents (SIPp softphones agent1…agent12)', '10')
    .option('--leads <n>', 'leads in the list', '300')
    .option('--mode <mode>', 'progressive | predictive', 'predictive')
    .option('--seed <n>', 'seed of the lead mix', '1')
    .option('--no-lab', 'do not run scripts/lab/lab.sh up first')
    .action(async (o: DemoOpts) => {
      if (o.mode !== 'progressive' && o.mode !== 'predictive')
        throw new Error('--mode must be progressive or predictive');
      if (o.lab) {
        const up = spawnSync('bash', [LAB_SCRIPT, 'up'], { stdio: 'inherit' });
        if (up.status !== 0) throw new Error('the lab did not come up (see above)');
      }
      // The lab's own settings: an admin's config/dialer.yaml (a real trunk) is never picked up.
      const app = await getApp({ labOnly: true });
      // The demo prints its own summary; keep the service log to warnings unless asked for more.
      if (app.config.log.level === 'info') app.logger.level = 'warn';
      await labReachable(app, o.lab);
      await ensureDatabase(app.config.database.url);
      await migrateLatest(app.db);
      console.log(`Dialling for ${o.seconds} s: ${o.agents} agents, ${o.leads} leads, ${o.mode} …`);
      const result = await runDemo(app, {
        seconds: Number(o.seconds),
        agents: Number(o.agents),
        leads: Number(o.leads),
        mode: o.mode,
        seed: Number(o.seed),
        onProgress: (line) => console.log(`  ${line}`),
      });
      console.log(`\n${formatSummary(result, app.config.recordings.root)}`);
    });
}

/** Fails in seconds, saying what to do, when the lab's PBX or Redis does not answer. */
async function labReachable(app: App, startedLab: boolean): Promise<void> {
  const probes = app.dependencies().filter((d) => d.name.startsWith('pbx ') || d.name === 'redis');
  const down = (await checkAll(probes, 5_000)).filter((r) => !r.ok);
  if (down.length === 0) return;
  const what = down.map((d) => `${d.name} (${d.where}): ${d.detail}`).join('; ');
  throw new Error(
    startedLab
      ? `the lab came up but does not answer: ${what} — see \`npm run lab -- status\``
      : `the lab is not answering: ${what} — start it with \`npm run lab -- up\`, or run the demo without --no-lab`,
  );
}
