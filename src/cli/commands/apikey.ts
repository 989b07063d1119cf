import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse, stringify } from 'yaml';
import type { Config } from '../../config/load.js';
import { hashKey, ROLES, type Role } from '../../http/auth.js';

/** `dialer apikey add`: creates a key, stores only its hash, prints the key once. */
export function registerApiKeyCommand(program: Command, getConfig: () => Config): void {
  program
    .command('apikey')
    .description('manage HTTP API keys')
    .command('add')
    .description('create an API key (printed once; only its sha256 is stored)')
    .requiredOption('--name <name>', 'who or what uses the key')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--agent <username>', 'for role agent: the agent this key acts as')
    .option('--file <path>', 'keys file (default: http.apiKeysFile from the config)')
    .action((opts: { name: string; role: string; agent?: string; file?: string }) => {
      if (!(ROLES as readonly string[]).includes(opts.role))
        throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      if (opts.role === 'agent' && !opts.agent) throw new Error('--agent is required for role agent');
      const file = opts.file ?? getConfig().http.apiKeysFile;
      if (!file) throw new Error('no keys file: give --file or set http.apiKeysFile in the config');
      const entries = existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as unknown[] | null) ?? []) : [];
      const key = randomBytes(32).toString('base64url');
      entries.push({
        name: opts.name,
        role: opts.role as Role,
        ...(opts.agent ? { agent: opts.agent } : {}),
        sha256: hashKey(key),
      });
      writeFileSync(file, stringify(entries), { mode: 0o600 });
      console.log(key);
    });
}
