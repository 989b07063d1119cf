import type { Command } from 'commander';
import { DateTime, IANAZone } from 'luxon';
import type { App } from '../../app.js';
import type { LeadRefusals } from '../../ports/refusals.js';
import { pruneRefusals, refusalReport, type RefusalReportRow } from '../../store/gate-refusals.js';
import { getCampaign } from '../../store/repositories/campaigns.js';
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
  registerReportCommand(cmd, getApp);
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

/** Days `from`..`to` (inclusive, YYYY-MM-DD in `zone`; default the last 30 days) as an instant range. */
export function reportRange(o: { from?: string; to?: string; timezone: string }, now = new Date()) {
  if (!IANAZone.isValidZone(o.timezone))
    throw new Error(`--timezone: "${o.timezone}" is not an IANA time zone`);
  const day = (v: string, option: string) => {
    const d = DateTime.fromISO(v, { zone: o.timezone });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !d.isValid)
      throw new Error(`${option}: expected a day YYYY-MM-DD, got "${v}"`);
    return d.startOf('day');
  };
  const today = DateTime.fromJSDate(now, { zone: o.timezone }).startOf('day');
  const last = o.to ? day(o.to, '--to') : today;
  const first = o.from ? day(o.from, '--from') : last.minus({ days: 29 });
  if (first > last) throw new Error('--from: after --to');
  return { from: first.toJSDate(), to: last.plus({ days: 1 }).toJSDate(), timezone: o.timezone };
}

export function formatRefusalReport(code: string, rows: readonly RefusalReportRow[]): string {
  if (rows.length === 0) return `campaign ${code}: no refusal in that period`;
  const lines = [`campaign ${code}: refused attempts per day and rule (leads in brackets)`];
  for (const r of rows) {
    lines.push(
      `  ${r.day}  ${String(r.refusals).padStart(8)} (${r.leads})  ${reasonLabel(r.reason)} [${r.reason}]`,
    );
  }
  const total = rows.reduce((n, r) => n + r.refusals, 0);
  lines.push(`  total ${total} refused attempt(s)`);
  return lines.join('\n');
}

/** `dialer refusals report <campaign>`: the compliance report of the stored refusals. */
function registerReportCommand(cmd: Command, getApp: () => Promise<App>): void {
  cmd
    .command('report')
    .description('refused attempts of a campaign per day and rule, from the stored refusals')
    .argument('<campaign>', 'campaign id or code')
    .option('--from <day>', 'first day, YYYY-MM-DD (default: 29 days before --to)')
    .option('--to <day>', 'last day, YYYY-MM-DD (default: today)')
    .option('--timezone <zone>', 'the days are counted in this IANA time zone', 'UTC')
    .option('--json', 'print JSON')
    .action(async (campaign: string, o: { from?: string; to?: string; timezone: string; json?: boolean }) => {
      const range = reportRange(o);
      const app = await getApp();
      const c = await getCampaign(app.db, campaign);
      const rows = await refusalReport(app.db, c.id, range);
      console.log(
        o.json
          ? JSON.stringify({ campaign: c.code, ...range, rows }, null, 2)
          : formatRefusalReport(c.code, rows),
      );
    });
}
