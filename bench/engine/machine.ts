import { execFileSync } from 'node:child_process';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { LabSettings } from '../../test/support/lab.js';

export interface Machine {
  host: string;
  cpu: string;
  cores: number;
  memGb: number;
  loadAtStart: string;
  node: string;
  postgres: string;
  redis: string;
  asterisk: string;
  commit: string;
  /** Test processes of other engineers running when the benchmark started (the lab is shared). */
  otherTestProcesses: number;
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export async function describeMachine(db: Knex, redis: Redis, lab: LabSettings): Promise<Machine> {
  const pg = await db.raw<{ rows: { server_version: string }[] }>('show server_version');
  const setting = async (name: string) =>
    (await db.raw<{ rows: Record<string, string>[] }>(`show ${name}`)).rows[0]?.[name] ?? '?';
  const pgSettings = `synchronous_commit ${await setting('synchronous_commit')}, work_mem ${await setting('work_mem')}`;
  const info = await redis.info('server');
  let asterisk = 'unknown';
  try {
    const res = await fetch(`${lab.ari.url}/ari/asterisk/info?only=system`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${lab.ari.username}:${lab.ari.password}`).toString('base64')}`,
      },
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json()) as { system?: { version?: string } };
    asterisk = body.system?.version ?? asterisk;
  } catch {
    // Reported as unknown.
  }
  const vitest = run('pgrep', ['-f', 'vitest']);
  return {
    host: hostname(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGb: Math.round(totalmem() / 2 ** 30),
    loadAtStart: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    node: process.version,
    postgres: `${pg.rows[0]?.server_version ?? 'unknown'} (${pgSettings})`,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    asterisk,
    commit:
      (run('git', ['rev-parse', '--short', 'HEAD']) || 'unknown') +
      (run('git', ['status', '--porcelain']) ? ' (uncommitted changes)' : ''),
    otherTestProcesses: vitest ? vitest.split('\n').length : 0,
  };
}
