import type { Command } from 'commander';
import type { Config } from '../../config/load.js';

export function registerConfigCommand(program: Command, getConfig: () => Config): void {
  const cmd = program.command('config').description('inspect the configuration');
  cmd
    .command('check')
    .description('validate the configuration and print a summary (no secrets)')
    .action(() => {
      const cfg = getConfig();
      console.log(`configuration OK (${cfg.source})`);
      console.log(`  PBX nodes: ${cfg.pbx.nodes.map((n) => `${n.name} (${n.driver})`).join(', ')}`);
      console.log(
        `  trunks:    ${cfg.trunks.map((t) => `${t.name} → ${t.node}, ${t.maxChannels} ch, ${t.cps} cps`).join('; ')}`,
      );
      console.log(`  recordings: ${cfg.recordings.root}`);
      console.log(
        `  compliance: ${cfg.compliance.profile}, abandon ≤ ${(cfg.compliance.abandonTarget * 100).toFixed(1)}%`,
      );
    });
}
