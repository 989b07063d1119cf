import type { Command } from 'commander';
import type { App } from '../../app.js';
import type { LeadRefusals } from '../../ports/refusals.js';
import { pruneRefusals } from '../../store/gate-refusals.js';
import { toE164 } from '../../store/repositories/dnc.js';
import { reasonLabel } from '../reason-labels.js';

export function formatLeadRefusals(phone: string, leads: readonly LeadRefusals[]): string {
  if (leads.length === 0) return `${phone} is not a lead of any campaign`;
  const lines: string[] = [];
  for (const l of leads) {
    const next = l.nextAttemptAt ? `, next attempt not before ${l.nextAttemptAt.toISOString()}` : '';
    lines.push(
      `${l.phone} — lead #${l.leadId} of campaign ${l.campaignCode}: ${l.status}, ${l.calls} call(s)${next}`,
    );
    if (l.refusals.length === 0) lines.push('  the compliance gate never refused it');
    for (const r of l.refusals) {
      const until = r.nextEligibleAt ? `; eligible again ${r.nextEligibleAt.toISOString()}` : '';
      lines.push(`  ${r.decidedAt.toISOString()}  ${r.callId}: ${reasonLabel(r.reason)}${until}`);
      lines.push(`    facts: ${JSON.stringify(r.facts)}`);
    }
  }
  return lines.join('\n');
}

/** `dialer refusals show <phone>|--lead <id>` and `dialer refusals prune`. */
export function registerRefusalsCommand(program: Command, getApp: () => Promise<App>): void {
  const cmd = program
    .command('refusals')
    .description('the compliance gate’s stored refusals: why a number was not called, and when');
  cmd
    .command('show')
    .description('every lead with this number, its calls, and each refusal (newest first)')
    .argument('[phone]', 'the number (E.164, or national in the default region)')
    .option('--lead <id>', 'one lead instead of a number')
    .option('--limit <n>', 'refusals per lead', '100')
    .option('--json', 'print JSON')
    .action(async (phone: string | undefined, o: { lead?: string; limit: string; json?: boolean }) => {
      const app = await getApp();
      const limit = Number(o.limit);
      let leads: LeadRefusals[];
      let shown: string;
      if (o.lead) {
        const one = await app.refusals.ofLead(Number(o.lead), limit);
        leads = one ? [one] : [];
        shown = `lead #${o.lead}`;
      } else if (phone) {
        shown = toE164(phone, app.config.defaultRegion);
        leads = await app.refusals.ofPhone(shown, limit);
      } else throw new Error('give a phone number or --lead <id>');
      console.log(o.json ? JSON.stringify(leads, null, 2) : formatLeadRefusals(shown, leads));
    });
  cmd
    .command('prune')
    .description('delete refusals older than the retention (compliance.refusalRetentionDays)')
    .option('--older-than-days <n>', 'instead of the configured retention')
    .action(async (o: { olderThanDays?: string }) => {
      const app = await getApp();
      const days = o.olderThanDays ? Number(o.olderThanDays) : app.config.compliance.refusalRetentionDays;
      const before = new Date(Date.now() - days * 86_400_000);
      const n = await pruneRefusals(app.db, before);
      console.log(`deleted ${n} refusal(s) decided before ${before.toISOString()}`);
    });
}
