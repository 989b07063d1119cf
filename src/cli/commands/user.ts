import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { App } from '../../app.js';
import { ROLES, isRole } from '../../http/principal.js';
import { LOCALES, type Locale } from '../../store/accounts/users.js';
import { printTable } from './cli-format.js';

const actor = () => `cli:${userInfo().username}`;

/** The password to set: read from stdin (`--password-stdin`), or a generated one printed once. */
async function passwordFrom(o: {
  passwordStdin?: boolean;
}): Promise<{ password: string; generated: boolean }> {
  if (!o.passwordStdin) return { password: randomBytes(12).toString('base64url'), generated: true };
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  return { password, generated: false };
}

/** `dialer user add|list|passwd|deactivate|reactivate|assign`: the people who sign in. */
export function registerUserCommand(program: Command, getApp: () => Promise<App>): void {
  const cmd = program.command('user').description('manage the people who sign in (and the agents who dial)');
  cmd
    .command('add')
    .argument('<username>')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--display-name <name>')
    .option('--locale <locale>', LOCALES.join(' | '), 'en')
    .option('--sip-endpoint <endpoint>', "agents: the softphone's endpoint, e.g. PJSIP/agent1")
    .option('--password-stdin', 'read the password from stdin (default: generate one and print it once)')
    .action(
      async (
        username: string,
        o: {
          role: string;
          displayName?: string;
          locale: string;
          sipEndpoint?: string;
          passwordStdin?: boolean;
        },
      ) => {
        if (!isRole(o.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
        if (!(LOCALES as readonly string[]).includes(o.locale))
          throw new Error(`--locale must be one of ${LOCALES.join(', ')}`);
        const app = await getApp();
        const { password, generated } = await passwordFrom(o);
        const u = await app.accounts.users.create(
          {
            username,
            role: o.role,
            displayName: o.displayName,
            locale: o.locale as Locale,
            sipEndpoint: o.sipEndpoint,
            password,
          },
          actor(),
        );
        console.error(`created ${u.role} ${u.username}`);
        if (generated) console.log(`initial password for ${u.username}: ${password}`);
      },
    );
  cmd
    .command('list')
    .description('every user: role, state, language, campaigns')
    .action(async () => {
      const users = await (await getApp()).accounts.users.list();
      printTable(
        ['username', 'name', 'role', 'active', 'locale', 'campaigns'],
        users.map((u) => [
          u.username,
          u.displayName,
          u.role,
          u.active ? 'yes' : 'no',
          u.locale,
          u.campaigns.join(','),
        ]),
      );
    });
  cmd
    .command('passwd')
    .argument('<username>')
    .description("set a user's password (their sessions end)")
    .option('--password-stdin', 'read the password from stdin (default: generate one and print it once)')
    .action(async (username: string, o: { passwordStdin?: boolean }) => {
      const app = await getApp();
      const { password, generated } = await passwordFrom(o);
      await app.accounts.users.setPassword(username, password, actor());
      console.error(`password of ${username} set; their sessions ended`);
      if (generated) console.log(`new password for ${username}: ${password}`);
    });
  for (const step of ['deactivate', 'reactivate'] as const) {
    cmd
      .command(step)
      .argument('<username>')
      .description(
        step === 'deactivate'
          ? 'stop a user signing in (sessions and keys refused at once)'
          : 'let a deactivated user sign in again',
      )
      .action(async (username: string) => {
        const u = await (await getApp()).accounts.users.setActive(username, step === 'reactivate', actor());
        console.log(`${u.username}: ${u.active ? 'active' : 'deactivated'}`);
      });
  }
  cmd
    .command('assign')
    .argument('<username>')
    .argument('<campaign>', 'campaign id or code')
    .option('--remove', 'take the user off the campaign instead')
    .description(
      'assign a user to a campaign (supervisors, team leads, QA see only theirs; agents log in only to theirs)',
    )
    .action(async (username: string, campaign: string, o: { remove?: boolean }) => {
      const app = await getApp();
      if (o.remove) await app.accounts.assignments.unassign(username, campaign, actor());
      else await app.accounts.assignments.assign(username, campaign, actor());
      const u = await app.accounts.users.require(username);
      console.log(`${u.username}: campaigns ${u.campaigns.join(', ') || '(none)'}`);
    });
}
