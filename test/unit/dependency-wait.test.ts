import { describe, expect, it } from 'vitest';
import {
  checkAll,
  DependencyUnavailableError,
  waitForDependencies,
  type Dependency,
} from '../../src/startup/dependencies.js';

/** A dependency that fails `downFor` times with `error`, then answers. */
function flaky(name: string, downFor: number, error: Error): Dependency & { calls: number } {
  const dep = {
    name,
    where: `${name}-host:1`,
    hint: `start ${name}`,
    calls: 0,
    check: () => {
      dep.calls++;
      return dep.calls <= downFor ? Promise.reject(error) : Promise.resolve();
    },
  };
  return dep;
}

function manualClock() {
  let t = 0;
  return { now: () => t, sleep: (ms: number) => Promise.resolve(void (t += ms)) };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('waitForDependencies', () => {
  it('waits while a dependency is down, says so once per change, and returns when all are up', async () => {
    const said: string[] = [];
    const pg = flaky('postgres', 3, refused);
    await waitForDependencies([pg, flaky('redis', 0, refused)], {
      waitMs: 10_000,
      say: (l) => said.push(l),
      ...manualClock(),
    });
    expect(pg.calls).toBe(4);
    expect(said).toEqual([
      'waiting for postgres (postgres-host:1): connect ECONNREFUSED 127.0.0.1:5432 — retrying for up to 10 s more',
      'all dependencies up after 3 s',
    ]);
  });

  it('gives up after the bound, naming each dependency still down with its hint — no stack', async () => {
    const said: string[] = [];
    const err = await waitForDependencies(
      [
        flaky('postgres', 99, refused),
        flaky('redis', 99, new Error('Connection is closed.\n    at x (y.js:1)')),
        flaky('archive', 0, refused),
      ],
      { waitMs: 5_000, retryMs: 1_000, say: (l) => said.push(l), ...manualClock() },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    const message = (err as Error).message;
    expect(message).toMatch(/^cannot start: 2 dependencies still down after 5 s\n/);
    expect(message).toContain(
      '  - postgres (postgres-host:1): connect ECONNREFUSED 127.0.0.1:5432\n      start postgres',
    );
    expect(message).toContain('  - redis (redis-host:1): Connection is closed.\n      start redis');
    expect(message).not.toContain('archive');
    expect(message).not.toMatch(/at x \(/);
    expect(said).toHaveLength(1);
  });

  it('bounds a check that never answers', async () => {
    const hang: Dependency = {
      name: 'pbx lab',
      where: 'ARI x',
      hint: '',
      check: () => new Promise(() => undefined),
    };
    expect(await checkAll([hang], 20)).toEqual([
      { name: 'pbx lab', where: 'ARI x', ok: false, detail: 'no answer within 20 ms' },
    ]);
  });
});
