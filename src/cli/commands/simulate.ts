import type { Command } from 'commander';
import type { App } from '../../app.js';
import { loadCampaignHistory } from '../../reports/campaign-history.js';
import type { RunSummary } from '../../sim/metrics.js';
import { simulateWhatIf } from '../../sim/what-if.js';
import { findCampaign } from '../../store/repositories/campaigns.js';

interface SimulateOpts {
  campaign: string;
  addAgents: string;
  target?: string;
  agents?: string;
  seeds: string;
}

/** `dialer simulate`: the simulator on a campaign's own history — "what if we add 10 agents?". */
export function registerSimulateCommand(program: Command, getApp: () => Promise<App>): void {
  program
    .command('simulate')
    .description("run the pacing simulator on a campaign's recorded answer rates and handle times")
    .requiredOption('--campaign <code>', 'campaign code or id')
    .option('--add-agents <n>', 'agents added (negative removes)', '0')
    .option('--target <rate>', 'abandon target to try, e.g. 0.01')
    .option('--agents <n>', 'agents logged in, when the history has too few')
    .option('--seeds <n>', 'simulated days per variant', '5')
    .action(async (o: SimulateOpts) => {
      const app = await getApp();
      const c = await findCampaign(app.db, o.campaign);
      if (!c) throw new Error(`campaign ${o.campaign} does not exist`);
      const history = await loadCampaignHistory(app.db, c.id, c.code);
      if (o.agents) history.agents = Number(o.agents);
      const r = simulateWhatIf(history, {
        agentsDelta: Number(o.addAgents),
        abandonTarget: o.target === undefined ? undefined : Number(o.target),
        seeds: Number(o.seeds),
      });
      const row = (name: string, s: RunSummary) =>
        `${name.padEnd(10)} ${pct(s.occupancy).padStart(7)} ${s.talkMinPerAgentHour.toFixed(1).padStart(9)} ` +
        `${pct(s.abandonRate).padStart(8)} ${pct(s.worst24h).padStart(8)} ${s.dialsPerAgentHour.toFixed(1).padStart(10)}`;
      console.log(
        `${c.code}: ${history.dials} dials, ${history.humanAnswers} live answers, ${history.agents} agents`,
      );
      console.log(
        `abandon target ${pct(r.abandonTarget)}; means over ${o.seeds} simulated days, predictive pacer`,
      );
      console.log('variant    occupancy  talk-min/h  abandon  worst24h  dials/ag-h');
      console.log(row('as is', r.baseline));
      console.log(row('what if', r.whatIf));
    });
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
