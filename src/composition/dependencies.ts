import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Config } from '../config/load.js';
import type { ArchiveSpacePort } from '../ports/recordings.js';
import type { Dependency } from '../startup/dependencies.js';
import { pendingMigrations } from '../store/db.js';
import type { PbxNodes } from './pbx-nodes.js';

export interface DependencyParts {
  config: Config;
  db: Knex;
  redis: () => Redis;
  /** Why Redis is down, while it is (its last connection error). */
  redisDown?: () => string | undefined;
  pbx: PbxNodes;
  archiveSpace?: ArchiveSpacePort;
}

/** What `dialer run` needs up: Postgres (schema current), Redis, every PBX node, the archive. */
export function serviceDependencies(parts: DependencyParts): Dependency[] {
  const { config, db, pbx } = parts;
  return [
    {
      name: 'postgres',
      where: safeUrl(config.database.url),
      hint: 'is Postgres running and database.url right? (pg_isready -h HOST -p PORT)',
      check: async () => {
        await db.raw('select 1');
        const pending = await pendingMigrations(db);
        if (pending.length > 0)
          throw new Error(
            `schema not up to date (${pending.length} migrations pending): run \`dialer migrate\``,
          );
      },
    },
    {
      name: 'redis',
      where: safeUrl(config.redis.url),
      hint: 'is Redis running and redis.url right? (redis-cli -u URL ping)',
      check: async () => {
        const client = parts.redis();
        const down = parts.redisDown?.();
        if (client.status !== 'ready' && down) throw new Error(down);
        if (client.status !== 'ready') await nextConnect(client);
        await client.ping();
      },
    },
    ...pbx.names.map((name): Dependency => ({
      name: `pbx ${name}`,
      where: pbxWhere(config, name),
      hint: 'is the PBX running with its API enabled and the credentials in its config? (dialer config check; docs: README "Pointing it at your own Asterisk")',
      check: async () => {
        const health = await (await pbx.connected(name)).health();
        if (!health.ok) throw new Error(health.detail);
      },
    })),
    {
      name: 'archive',
      where: config.recordings.root,
      hint: "recordings.root must be a directory the dialer's user can create and write",
      check: async () => {
        await mkdir(config.recordings.root, { recursive: true });
        const probe = join(config.recordings.root, `.write-probe-${process.pid}`);
        await writeFile(probe, '');
        await unlink(probe);
        if (parts.archiveSpace?.full) throw new Error(parts.archiveSpace.describe());
      },
    },
  ];
}

/** host:port/path of a URL, without user or password. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '(default port)'}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

function pbxWhere(config: Config, name: string): string {
  const node = config.pbx.nodes.find((n) => n.name === name);
  if (node?.ari) return `ARI ${safeUrl(node.ari.url)}`;
  if (node?.ami) return `AMI ${node.ami.host}:${node.ami.port}`;
  if (node?.esl) return `ESL ${node.esl.host}:${node.esl.port}`;
  return node?.driver ?? 'unknown';
}

/** Resolves when the client (reconnecting by itself) is up; rejects with its next error. */
function nextConnect(client: Redis): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      client.off('ready', onReady);
      client.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    client.on('ready', onReady);
    client.on('error', done);
  });
}
