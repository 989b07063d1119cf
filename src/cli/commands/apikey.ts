import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { App } from '../../app.js';
import { createExclusive } from '../../files/private-file.js';
import { readKeyFile } from '../../http/auth.js';
import { ROLES, isRole } from '../../http/principal.js';
import { writeAudit } from '../../store/audit.js';
import { parseExpiry, printTable } from './cli-format.js';

const actor = () => `cli:${userInfo().username}`;

/** `dialer apikey add|list|revoke|import`: API keys for integrations, in Postgres. */
export function registerApiKeyCommand(program: Command, getApp: () => Promise<App>): void {
  const cmd = program.command('apikey').description('manage HTTP API keys (stored in Postgres as sha256)');
  cmd
    .command('add')
    .description('create an API key: printed once (or written to a new 0600 file); only its sha256 is stored')
    .requiredOption('--name <name>', 'who or what uses the key (letters, digits, . _ -)')
    .option('--role <role>', `one of ${ROLES.join(', ')} (default: the owner's role)`)
    .option('--owner <username>', 'the person the key acts as (required for agent keys)')
    .option('--expires <when>', 'an ISO date/time or a duration like 90d or 12h (default: never)')
    .option('--out <file>', 'write the key to this new file (mode 0600; refuses an existing file or symlink)')
    .action(async (o: { name: string; role?: string; owner?: string; expires?: string; out?: string }) => {
      if (o.role !== undefined && !isRole(o.role))
        throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      const app = await getApp();
      const expiresAt = o.expires ? parseExpiry(o.expires, new Date()) : undefined;
      const fh = o.out ? await createExclusive(o.out, 0o600) : undefined;
      try {
        const { key, view } = await app.accounts.keys.add(
          { name: o.name, role: o.role, owner: o.owner, expiresAt },
          actor(),
        );
        if (fh) {
          await fh.writeFile(`${key}\n`);
          console.error(`key "${view.name}" (${view.role}) written to ${o.out} (0600)`);
        } else console.log(key);
      } finally {
        await fh?.close();
      }
    });
  cmd
    .command('list')
    .description('every key: name, role, owner, expiry, revocation, last use (never the key)')
    .action(async () => {
      const keys = await (await getApp()).accounts.keys.list();
      printTable(
        ['name', 'role', 'owner', 'expires', 'revoked', 'last used'],
        keys.map((k) => [
          k.name,
          k.role,
          k.owner ?? '',
          k.expiresAt ?? 'never',
          k.revokedAt ?? '',
          k.lastUsedAt ?? '',
        ]),
      );
    });
  cmd
    .command('revoke')
    .argument('<name>')
    .description('revoke a key: refused from its next request on')
    .action(async (name: string) => {
      const k = await (await getApp()).accounts.keys.revoke(name, actor());
      console.log(`revoked "${k.name}" at ${k.revokedAt ?? '?'}`);
    });
  cmd
    .command('import')
    .description('import an old http.apiKeysFile (YAML: name, role, agent, sha256): the keys keep working')
    .requiredOption('--file <path>', 'the YAML keys file')
    .action(async (o: { file: string }) => {
      const entries = readKeyFile(o.file);
      const app = await getApp();
      for (const e of entries) {
        const owner = e.agent
          ? await app.db('agents').where({ username: e.agent }).first<{ id: number } | undefined>('id')
          : undefined;
        if (e.agent && !owner) throw new Error(`${o.file}: key "${e.name}": no user "${e.agent}"`);
        await app.db.transaction(async (trx) => {
          await trx('api_keys')
            .insert({
              name: e.name,
              sha256: e.sha256,
              role: e.role,
              owner_id: owner?.id ?? null,
              created_by: actor(),
            })
            .onConflict('name')
            .ignore();
          await writeAudit(trx, {
            actor: actor(),
            action: 'apikey.import',
            entity: 'apikey',
            entityId: e.name,
            details: { role: e.role, owner: e.agent ?? null, from: o.file },
          });
        });
      }
      console.log(`imported ${entries.length} keys from ${o.file}`);
    });
}
