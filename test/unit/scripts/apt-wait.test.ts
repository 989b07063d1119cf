import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * scripts/lab/apt-wait.sh on a stand-in lock file held open by a real process (as apt holds its
 * locks): it waits and says so, and gives up at its bound naming the holder. No root, no apt.
 */
describe('waiting for another apt/dpkg (scripts/lab/apt-wait.sh)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialer-apt-wait-'));
  const lock = join(dir, 'lock-frontend');
  writeFileSync(lock, '');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** One process (sleep) holding `lock` open for `seconds`, stopped by its PID at the end. */
  const holder = (seconds: number) => {
    const child = spawn('bash', ['-c', `exec 9<"$1"; exec sleep ${seconds}`, 'holder', lock], {
      stdio: 'ignore',
    });
    return child;
  };
  const run = (bound: number) =>
    spawnSync('bash', ['-c', 'source scripts/lab/apt-wait.sh; apt_wait'], {
      env: { ...process.env, APT_LOCK_FILES: lock, DIALER_APT_WAIT: String(bound) },
      encoding: 'utf8',
    });

  it('returns at once when nothing holds the locks', () => {
    const r = run(5);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('waits for the holder to finish, saying who it waits for', async () => {
    const h = holder(3);
    await new Promise((r) => setTimeout(r, 300));
    const r = run(30);
    h.kill();
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`another package manager is running \\(${h.pid} sleep\\); waiting for it, up to \\d+ s`),
    );
  }, 40_000);

  it('gives up at its bound, naming the holder and the setting', async () => {
    const h = holder(60);
    await new Promise((r) => setTimeout(r, 300));
    const r = run(2);
    h.kill();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`apt/dpkg still busy after 2 s \\(${h.pid} sleep\\); .*DIALER_APT_WAIT sets the bound`),
    );
  }, 20_000);
});
