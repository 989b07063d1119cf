import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

const LAB_SCRIPT = fileURLToPath(new URL('../../../scripts/lab/lab.sh', import.meta.url));

export function registerLabCommand(program: Command): void {
  const cmd = program
    .command('lab')
    .description('the local telephony lab (real Asterisk + SIPp), needs root');
  for (const [name, help] of [
    ['up', 'build if needed and start Asterisk, the SIPp carrier and softphones (idempotent)'],
    ['down', 'stop everything `up` started, by PID'],
    ['status', 'show what is running'],
    ['env', 'print the lab settings (secrets masked)'],
  ] as const) {
    cmd
      .command(name)
      .description(help)
      .action(async () => {
        await runLab(name);
      });
  }
}

function runLab(subcommand: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Arguments as an array: no shell string is ever built.
    const child = spawn('bash', [LAB_SCRIPT, subcommand], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`lab ${subcommand} exited with ${code}`)),
    );
  });
}
