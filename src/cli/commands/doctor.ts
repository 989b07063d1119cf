import type { Command } from 'commander';
import type { App } from '../../app.js';
import { reasonLabel } from '../reason-labels.js';
import { diagnoseCampaign, type CampaignDiagnosis } from '../../diagnosis/campaign-diagnosis.js';

export function formatDiagnosis(d: CampaignDiagnosis): string {
  const c = d.campaign;
  const lines = [
    `campaign ${c.code} (#${c.id}) "${c.name}": ${c.status}, ${c.purpose}, ${c.dialMode}`,
    `leads: ${d.totalLeads} total, ${d.eligibleNow} eligible now (${d.at.toISOString()})`,
  ];
  for (const w of d.waits) {
    const when = w.nextEligibleAt ? `; first eligible at ${w.nextEligibleAt.toISOString()}` : '';
    const stored = w.fromStoredRefusals ? ` (${w.fromStoredRefusals} from stored refusals)` : '';
    lines.push(`  ${String(w.leads).padStart(9)}  ${reasonLabel(w.rule)} [${w.rule}]${when}${stored}`);
  }
  if (d.windowOpens.length) lines.push('calling window, per time zone:');
  for (const z of d.windowOpens) {
    lines.push(`  ${String(z.leads).padStart(9)}  ${z.timezone}: opens at ${z.opensAt.toISOString()}`);
  }
  const e = d.engine;
  const show = (v: number | boolean | undefined) =>
    v === undefined ? 'unknown (engine not queried)' : String(v);
  lines.push(
    `ready agents: ${show(e.readyAgents)}; PBX healthy: ${show(e.pbxHealthy)}`,
    `trunk: free channels ${show(e.trunkFreeChannels)}${e.trunkMaxChannels === undefined ? '' : ` of ${e.trunkMaxChannels}`}; calls that may start this second (per-second allowance) ${show(e.trunkStartsNow)}`,
  );
  const b = e.trunkBackoff;
  lines.push(
    b
      ? `trunk ${d.trunk} back-off: paused until ${b.pausedUntil.toISOString()} after ${b.failuresInRow} failed calls in a row`
      : `trunk ${d.trunk}: ${d.trunkFailuresInRow} of its latest calls failed in a row`,
  );
  lines.push(d.problems.length ? 'why it is not dialling:' : 'nothing stops this campaign from dialling');
  for (const p of d.problems) lines.push(`  - ${p}`);
  return lines.join('\n');
}

/** `dialer doctor <campaign>` — why isn't this campaign dialling? */
export function registerDoctorCommand(program: Command, getApp: () => Promise<App>): void {
  program
    .command('doctor')
    .description('explain why a campaign is (not) dialling: status, eligible leads, blocked leads by reason')
    .argument('<campaign>', 'campaign id or code')
    .option('--json', 'print JSON')
    .action(async (campaign: string, o: { json?: boolean }) => {
      const app = await getApp();
      const d = await diagnoseCampaign(app.db, campaign, new Date());
      console.log(o.json ? JSON.stringify(d, null, 2) : formatDiagnosis(d));
    });
}
