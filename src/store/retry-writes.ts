import type { Logger } from '../logger.js';

/** Errors that mean Postgres could not be reached (not that it refused the write). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** Pure: whether a database error means "unreachable now", so the same write may be retried. */
export function isUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  return /Connection terminated|Timeout acquiring a connection|connection is closed/i.test(err.message);
}

export interface RetryOptions {
  logger?: Logger;
  /** What is being written, for the log. */
  what: string;
  /** Give up (rethrow) after this long unreachable; default 10 minutes. */
  maxMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Runs a write, and while Postgres is unreachable runs it again with backoff (0.25 s doubling to
 * 5 s) until it succeeds or `maxMs` passes; any other error is thrown at once. For writes that
 * must not be lost across an outage and are safe to repeat (idempotent updates of one row).
 */
export async function retryWhileUnreachable<T>(op: () => Promise<T>, o: RetryOptions): Promise<T> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const start = now();
  let wait = 250;
  for (let tries = 1; ; tries++) {
    try {
      const result = await op();
      if (tries > 1) o.logger?.warn({ what: o.what, tries }, 'database write stored after an outage');
      return result;
    } catch (err) {
      if (!isUnreachable(err) || now() - start >= (o.maxMs ?? 600_000)) throw err;
      if (tries === 1) o.logger?.warn({ err, what: o.what }, 'database unreachable; retrying the write');
      await sleep(wait);
      wait = Math.min(wait * 2, 5_000);
    }
  }
}
