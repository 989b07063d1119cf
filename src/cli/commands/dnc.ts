import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { App } from '../../app.js';
import { exportDncCsv, importBlacklistCsv, importDncCsv } from '../../import/dnc-csv.js';
import { PrivateFile } from '../../files/private-file.js';
import { addDnc, addToBlacklist, parseDncType, removeDnc, toE164 } from '../../store/repositories/dnc.js';

const actor = () => `cli:${userInfo().username}`;

/** `dialer dnc import|export|add|remove|blacklist` — the do-not-disturb (免打扰) database. */
export function registerDncCommand(program: Command, getApp: () => Promise<App>): void {
  const dnc = program
    .command('dnc')
    .description('the do-not-call database (types: marketing, survey, care, personalised-marketing, all)');
  dnc
    .command('add')
    .description('add a number to the do-not-call list (never dialled for that type)')
    .argument('<phone>', 'the number, E.164 or national (config defaultRegion)')
    .option('--type <type>', 'DNC type', 'all')
    .option('--reason <text>', 'why, as the customer or complaint said it')
    .option('--name <name>', "the person's name, if given")
    .action(async (phone: string, o: { type: string; reason?: string; name?: string }) => {
      const app = await getApp();
      const e164 = toE164(phone, app.config.defaultRegion);
      await addDnc(
        app.db,
        {
          phone: e164,
          type: parseDncType(o.type),
          reason: o.reason,
          name: o.name,
          source: 'cli',
          actor: actor(),
        },
        app.webhookOutbox,
      );
      console.log(`added ${e164} (${o.type})`);
    });
  dnc
    .command('remove')
    .description('remove a number from the do-not-call list (audited)')
    .argument('<phone>', 'the number, E.164 or national')
    .option('--type <type>', 'only this type (default: every type)')
    .action(async (phone: string, o: { type?: string }) => {
      const app = await getApp();
      const e164 = toE164(phone, app.config.defaultRegion);
      const n = await removeDnc(app.db, e164, actor(), o.type ? parseDncType(o.type) : undefined);
      console.log(`removed ${n} entr${n === 1 ? 'y' : 'ies'} for ${e164}`);
    });
  registerDncFileCommands(dnc, getApp);
  dnc
    .command('blacklist')
    .description('exclude serious complainers from every campaign: one number, or a CSV file of them')
    .argument('[phone]', 'the number, E.164 or national (or --file)')
    .option(
      '--file <csv>',
      'CSV: phone[,reason,name,complaint], one transaction; bad rows to FILE.rejects.csv',
    )
    .option('--reason <text>', 'why (required for one number; for a file, the reason of rows without one)')
    .option('--complaint <id>', 'complaint id')
    .action(async (phone: string | undefined, o: { file?: string; reason?: string; complaint?: string }) => {
      if (!phone === !o.file)
        throw new Error('dnc blacklist: give either a phone number or --file, not both');
      const app = await getApp();
      if (o.file) {
        const s = await importBlacklistCsv(app.db, o.file, {
          defaultRegion: app.config.defaultRegion,
          actor: actor(),
          defaultReason: o.reason,
        });
        const rejects = s.rejectsFile ? ` (see ${s.rejectsFile})` : '';
        return void console.log(`read ${s.read}, blacklisted ${s.added}, rejected ${s.rejected}${rejects}`);
      }
      if (!o.reason) throw new Error('dnc blacklist: --reason is required');
      const e164 = toE164(phone ?? '', app.config.defaultRegion);
      await addToBlacklist(app.db, {
        phone: e164,
        reason: o.reason,
        actor: actor(),
        complaintId: o.complaint ? Number(o.complaint) : undefined,
      });
      console.log(`blacklisted ${e164}`);
    });
}

/** `dnc import FILE` and `dnc export [-o FILE]`. */
function registerDncFileCommands(dnc: Command, getApp: () => Promise<App>): void {
  dnc
    .command('import')
    .description('add the numbers of a CSV file; bad rows go to FILE.rejects.csv')
    .argument('<file>', 'CSV: phone[,type,reason,name,source]')
    .option('--type <type>', 'type for rows without one', 'all')
    .action(async (file: string, o: { type: string }) => {
      const app = await getApp();
      const s = await importDncCsv(app.db, file, {
        defaultRegion: app.config.defaultRegion,
        actor: actor(),
        defaultType: o.type,
        outbox: app.webhookOutbox,
      });
      console.log(
        `read ${s.read}, added ${s.added}, rejected ${s.rejected}${s.rejectsFile ? ` (see ${s.rejectsFile})` : ''}`,
      );
    });
  dnc
    .command('export')
    .description('write the whole list as CSV (formula-safe; a file is created mode 0600)')
    .option('-o, --output <file>', 'write here instead of stdout')
    .action(async (o: { output?: string }) => {
      const app = await getApp();
      if (!o.output) return void (await exportDncCsv(app.db, process.stdout));
      // Personal data: 0600, written under a random name and renamed into place (no symlink followed).
      const file = await PrivateFile.create(o.output);
      try {
        const n = await exportDncCsv(app.db, file.stream);
        await file.commit();
        console.error(`exported ${n} entries to ${o.output}`);
      } catch (err) {
        await file.abort();
        throw err;
      }
    });
}
