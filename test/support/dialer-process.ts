import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { labHome, labSettings } from './lab.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A free loopback TCP port (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A config file for a real `dialer run` on the lab: the test's database, its own Redis prefix,
 * ARI application and HTTP port, the lab's Asterisk and SIPp carrier as the trunk.
 */
export function labRunConfig(
  dir: string,
  o: { name: string; dbUrl: string; prefix: string; port: number },
): string {
  const ari = labSettings().ari;
  const file = join(dir, `${o.name}.yaml`);
  writeFileSync(
    file,
    [
      `instance: { name: ${o.name} }`,
      `log: { level: ${process.env['DIALER_TEST_LOG'] ?? 'info'} }`,
      `database: { url: '${o.dbUrl}' }`,
      `redis: { url: 'redis://127.0.0.1:6379', prefix: '${o.prefix}' }`,
      `recordings: { root: '${join(dir, 'recordings')}' }`,
      `http: { host: 127.0.0.1, port: ${o.port} }`,
      'pbx:',
      '  nodes:',
      `    - name: lab`,
      `      driver: ari`,
      `      ari: { url: '${ari.url}', username: ${ari.username}, passwordFile: '${join(labHome(), 'state', 'secrets', 'ari-password')}', app: ${o.name} }`,
      'trunks: [{ name: lab-carrier, node: lab, dial: "PJSIP/{number}@lab-carrier", maxChannels: 20, cps: 10 }]',
      "callerIds: [{ number: '+15555550100', name: 'Dialer Lab' }]",
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

/** A `dialer run` child process, its output and when it exited (ms since the epoch). */
export interface DialerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts `dialer -c <config> run …` (tsx, as `npm run dialer`); resolves once /ready answers 200. */
export async function startDialerRun(
  config: string,
  port: number,
  args: string[] = [],
): Promise<DialerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', '-c', config, 'run', ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  // A hang guard, not a speed limit: tsx on a loaded 2-core machine takes a while to load.
  const until = Date.now() + 120_000;
  while (Date.now() < until && !gone) {
    const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { child, output: () => out, exited };
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!gone) child.kill('SIGKILL');
  throw new Error(`dialer run did not get ready:\n${out}`);
}
