import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** `dialer run` as an admin starts it, with one or more of its dependencies down (closed ports). */
describe('dialer run with a dependency down (real Postgres, closed ports)', () => {
  let t: TestDb;
  let dir: string;

  beforeAll(async () => {
    t = await createTestDb();
    dir = mkdtempSync(join(tmpdir(), 'dialer-startup-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.drop();
  });

  const config = (over: { db?: string; redis?: string; keys?: string; ariPassword?: string }) => {
    const file = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      file,
      [
        `database: { url: '${over.db ?? t.url}' }`,
        `redis: { url: '${over.redis ?? 'redis://127.0.0.1:6379'}', prefix: 'dialer-startup-test' }`,
        `recordings: { root: '${join(dir, 'rec')}' }`,
        `http: { host: 127.0.0.1, port: 1${over.keys ? `, apiKeysFile: '${over.keys}'` : ''} }`,
        'pbx:',
        '  nodes:',
        `    - { name: lab, driver: ari, ari: { url: "http://127.0.0.1:2", username: u, password: ${over.ariPassword ?? 'p'} } }`,
        'trunks: [{ name: t, node: lab, dial: "PJSIP/{number}@x", maxChannels: 1, cps: 1 }]',
      ].join('\n'),
    );
    return file;
  };

  it('waits for Redis and the PBX within its bound, then exits 69 naming both, with no stack', async () => {
    const r = await dialer(['-c', config({ redis: 'redis://127.0.0.1:1' }), 'run', '--wait', '8']);
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/waiting for .*redis \(127\.0\.0\.1:1\)/);
    expect(r.stderr).toMatch(/cannot start: 2 dependencies still down after \d+ s/);
    expect(r.stderr).toMatch(/- redis \(127\.0\.0\.1:1\): .*ECONNREFUSED/);
    expect(r.stderr).toMatch(/- pbx lab \(ARI 127\.0\.0\.1:2\): /);
    expect(r.stderr).not.toContain('Unhandled error event');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 90_000);

  it('exits 69 when Postgres is down instead of hanging', async () => {
    const r = await dialer(['-c', config({ db: 'postgres://postgres@127.0.0.1:1/x' }), 'run', '--wait', '2']);
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/- postgres \(127\.0\.0\.1:1\/x\): .*ECONNREFUSED/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 90_000);

  it('refuses a config that still names http.apiKeysFile (exit 78), saying where keys live now', async () => {
    const r = await dialer(['-c', config({ keys: join(dir, 'keys.yaml') }), 'run', '--wait', '30']);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/http\.apiKeysFile.*API keys now live in Postgres/);
    expect(r.stderr).not.toContain('waiting for');
  }, 90_000);

  it('refuses to start with an example PBX secret outside the lab (exit 78), before waiting', async () => {
    const r = await dialer(['-c', config({ ariPassword: 'CHANGE_ME' }), 'run', '--wait', '30']);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/pbx\.nodes\[0\]\.ari\.password: an example value/);
    expect(r.stderr).not.toContain('waiting for');
  }, 90_000);

  it('rejects a bad old keys file on import at once (exit 78), naming the file, the entry and its line', async () => {
    const keys = join(dir, 'keys.yaml');
    writeFileSync(
      keys,
      '- name: ops\n  role: admin\n  sha256: abc\n- name: x\n  role: boss\n  sha256: abc\n',
    );
    const r = await dialer(['-c', config({}), 'apikey', 'import', '--file', keys]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`Configuration error in ${keys}: 3 problems`);
    expect(r.stderr).toMatch(/\[0\]\.sha256 \(line 3\): /);
    expect(r.stderr).toMatch(/\[1\]\.role \(line 5\): /);
  }, 90_000);

  it('doctor needs only Postgres: a missing PBX password file does not stop it', async () => {
    const file = config({}).replace(/\.yaml$/, '-nopw.yaml');
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(
      file,
      readFileSync(config({}), 'utf8').replace(
        'username: u, password: p',
        'username: u, passwordFile: /nonexistent/ari-password',
      ),
    );
    const r = await dialer(['-c', file, 'doctor', 'no-such-campaign']);
    expect(r.stderr).toContain('error: no campaign "no-such-campaign"');
    expect(r.stderr).not.toContain('Configuration error');
    const check = await dialer(['-c', file, 'pbx', 'check']);
    expect(check.code).toBe(78);
    expect(check.stderr).toMatch(
      /passwordFile \(line \d+\): cannot read \/nonexistent\/ari-password: ENOENT/,
    );
  }, 90_000);

  it('an unknown agent is named with the agents there are and where to add one', async () => {
    const file = join(dir, 'campaign.yaml');
    writeFileSync(file, 'code: first\nname: First\npurpose: care\n');
    const r = await dialer(['-c', config({}), 'campaign', 'create', file, '--by', 'alice']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: no agent "alice" (agents: none yet; adding one: docs/admin-guide.md, "Agents")',
    );
  }, 90_000);

  it('demo --no-lab with the PBX down fails at once, saying how to start the lab', async () => {
    const r = await dialer(['-c', config({}), 'demo', '--no-lab', '--seconds', '5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: the lab is not answering: pbx lab \(ARI 127\.0\.0\.1:2\): .*start it with `npm run lab -- up`, or run the demo without --no-lab/,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 90_000);
});

function dialer(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 80_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
}
