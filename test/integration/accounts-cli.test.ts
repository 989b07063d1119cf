import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/store/accounts/sessions.js';
import { createTestDb, type TestDb } from '../support/db.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** `dialer user …` and `dialer apikey …` as an admin runs them, against real Postgres. */
describe('dialer user / apikey (real Postgres, the real CLI)', () => {
  let t: TestDb;
  let dir: string;
  let config: string;

  beforeAll(async () => {
    t = await createTestDb();
    dir = mkdtempSync(join(tmpdir(), 'dialer-accounts-cli-'));
    config = join(dir, 'dialer.yaml');
    writeFileSync(
      config,
      [
        `database: { url: '${t.url}' }`,
        `redis: { url: 'redis://127.0.0.1:6379', prefix: 'dialer-accounts-cli' }`,
        `recordings: { root: '${join(dir, 'rec')}' }`,
        'pbx:',
        '  nodes:',
        '    - { name: lab, driver: ari, ari: { url: "http://127.0.0.1:2", username: u, password: p } }',
        'trunks: [{ name: t, node: lab, dial: "PJSIP/{number}@x", maxChannels: 1, cps: 1 }]',
      ].join('\n'),
    );
    await t.db('campaigns').insert({ code: 'care', name: 'Care', purpose: 'care' });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.drop();
  });

  const dialer = (args: string[], stdin?: string) => run(['-c', config, ...args], stdin);

  it('adds a user with a generated password printed once, lists, assigns, resets, deactivates', async () => {
    const add = await dialer(['user', 'add', 'alice', '--role', 'admin', '--display-name', 'Alice A']);
    expect(add.code, add.stderr).toBe(0);
    const password = /initial password for alice: (\S+)/.exec(add.stdout)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    const row = await t
      .db('agents')
      .where({ username: 'alice' })
      .first<{ password_hash: string; role: string }>();
    expect(row.role).toBe('admin');
    expect(row.password_hash).toMatch(/^\$scrypt\$/);
    expect(row.password_hash).not.toContain(password);
    const agent = await dialer(
      ['user', 'add', 'al', '--role', 'agent', '--sip-endpoint', 'PJSIP/al', '--password-stdin'],
      'a fine long password\n',
    );
    expect(agent.code, agent.stderr).toBe(0);
    expect(agent.stdout).toBe('');
    expect((await dialer(['user', 'assign', 'al', 'care'])).stdout).toMatch(/al: campaigns care/);
    const list = await dialer(['user', 'list']);
    expect(list.stdout).toMatch(/^al\s+al\s+agent\s+yes\s+en\s+care$/m);
    const weak = await dialer(['user', 'passwd', 'al', '--password-stdin'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/password: at least 10 characters/);
    expect((await dialer(['user', 'deactivate', 'al'])).stdout).toMatch(/al: deactivated/);
    const actors = await t.db('audit_log').where({ entity_id: 'al' }).pluck<string[]>('actor');
    expect(new Set(actors)).toEqual(new Set([expect.stringMatching(/^cli:/) as string]));
  }, 60_000);

  it('writes a new key file 0600 (never over a file or through a symlink) and prints the key once otherwise', async () => {
    const out = join(dir, 'crm.key');
    const add = await dialer(['apikey', 'add', '--name', 'crm', '--role', 'supervisor', '--out', out]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toBe(''); // the key went to the file only
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const key = readFileSync(out, 'utf8').trim();
    expect(await t.db('api_keys').where({ name: 'crm' }).first('sha256')).toEqual({ sha256: sha256Hex(key) });
    const again = await dialer(['apikey', 'add', '--name', 'crm2', '--role', 'qa', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/EEXIST/);
    const target = join(dir, 'elsewhere');
    const link = join(dir, 'link.key');
    symlinkSync(target, link);
    const viaLink = await dialer(['apikey', 'add', '--name', 'crm3', '--role', 'qa', '--out', link]);
    expect(viaLink.code).toBe(1);
    expect(existsSync(target)).toBe(false);
    const printed = await dialer(['apikey', 'add', '--name', 'ops', '--role', 'admin', '--expires', '30d']);
    expect(printed.stdout).toMatch(/^dk_[\w-]{43}\n$/);
    const list = await dialer(['apikey', 'list']);
    expect(list.stdout).toMatch(/^crm\s+supervisor/m);
    expect(list.stdout).not.toContain(key);
    expect((await dialer(['apikey', 'revoke', 'crm'])).stdout).toMatch(/revoked "crm"/);
    expect(await t.db('api_keys').where({ name: 'crm' }).first('revoked_by')).toEqual({
      revoked_by: expect.stringMatching(/^cli:/) as string,
    });
  }, 60_000);
});

function run(
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdin.end(stdin ?? '');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}
