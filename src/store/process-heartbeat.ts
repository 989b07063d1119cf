import { hostname } from 'node:os';
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';

/** How often a dialler process says it is alive (`dialler_processes.seen_at`). */
export const HEARTBEAT_MS = 2_000;
/**
 * A process not seen for this long is taken for dead: its open call rows may be finished by the
 * next lease holder. Five missed beats, so a busy event loop is not mistaken for a death.
 */
export const PROCESS_GONE_AFTER_MS = 10_000;

/**
 * This process's heartbeat in Postgres, under the owner string it writes into its call rows.
 * Beats are not queued up: while one is unanswered (Postgres away) the next is skipped. A clean
 * stop deletes the row, so a successor need not wait for it to go stale.
 */
export class ProcessHeartbeat {
  private timer?: NodeJS.Timeout;
  private beating = false;
  private failing = false;

  constructor(
    private readonly db: Knex,
    readonly owner: string,
    private readonly logger: Logger,
    private readonly everyMs = HEARTBEAT_MS,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.everyMs);
    this.timer.unref();
  }

  async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      await this.db.raw(
        `insert into dialler_processes (owner) values (?)
         on conflict (owner) do update set seen_at = now()`,
        [this.owner],
      );
      if (this.failing) this.logger.info({ owner: this.owner }, 'process heartbeat stored again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn({ err, owner: this.owner }, 'process heartbeat not stored');
      this.failing = true;
    } finally {
      this.beating = false;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.db('dialler_processes')
      .where({ owner: this.owner })
      .delete()
      .catch((err: unknown) => this.logger.warn({ err }, 'process heartbeat not removed'));
  }
}

/** The owner string of this process: `instance@host:pid` (call rows, sessions, the lease). */
export function processOwner(instance: string, pid = process.pid): string {
  return `${instance}@${hostname()}:${pid}`;
}

/**
 * Whether an owner is a process of this host that no longer runs (a restart after kill -9 need
 * not wait for its heartbeat to go stale). False when it runs, or is on another host.
 */
export function processGone(owner: string, host = hostname()): boolean {
  const m = /@(.+):(\d+)$/.exec(owner);
  if (!m || m[1] !== host) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (err) {
    return (err as { code?: string }).code === 'ESRCH';
  }
}

/** SQL: the owner column `col` has a fresh heartbeat. */
export function freshOwnerSql(col: string): string {
  return `exists (select 1 from dialler_processes p where p.owner = ${col}
    and p.seen_at > now() - interval '${PROCESS_GONE_AFTER_MS} milliseconds')`;
}
