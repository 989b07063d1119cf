import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isUnreachable, retryWhileUnreachable } from '../../src/store/retry-writes.js';

const coded = (code: string, message = code): Error => Object.assign(new Error(message), { code });
const logger = pino({ level: 'silent' });

describe('retryWhileUnreachable', () => {
  it.each([
    [coded('ECONNREFUSED'), true],
    [coded('57P01'), true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), true],
    [coded('23505', 'duplicate key value violates unique constraint'), false],
    [new Error('syntax error'), false],
    ['not an error', false],
  ])('isUnreachable(%s) is %s', (err, expected) => expect(isUnreachable(err)).toBe(expected));

  it('retries a write while the database is unreachable, with backoff, until it is stored', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryWhileUnreachable(
      () => (++calls < 6 ? Promise.reject(coded('ECONNREFUSED')) : Promise.resolve('stored')),
      { logger, what: 'test', sleep: (ms) => Promise.resolve(void waits.push(ms)) },
    );
    expect(result).toBe('stored');
    expect(waits).toEqual([250, 500, 1_000, 2_000, 4_000]);
  });

  it('throws other errors at once, and gives up after maxMs', async () => {
    let calls = 0;
    const dup = () => (++calls, Promise.reject(coded('23505')));
    await expect(
      retryWhileUnreachable(dup, { logger, what: 'dup', sleep: () => Promise.resolve() }),
    ).rejects.toThrow();
    expect(calls).toBe(1);
    let t = 0;
    const down = () => Promise.reject(coded('ECONNREFUSED'));
    await expect(
      retryWhileUnreachable(down, {
        logger,
        what: 'down',
        maxMs: 1_000,
        now: () => t,
        sleep: (ms) => Promise.resolve(void (t += ms)),
      }),
    ).rejects.toThrow('ECONNREFUSED');
    expect(t).toBeGreaterThanOrEqual(1_000);
  });
});
