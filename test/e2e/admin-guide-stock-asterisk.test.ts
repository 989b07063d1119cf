import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/load.js';
import type { CheckLine } from '../../src/diagnosis/pbx-check/report.js';
import { formatReport } from '../../src/diagnosis/pbx-check/report.js';
import { runPbxChecks } from '../../src/diagnosis/pbx-check/run-checks.js';
import { createLogger } from '../../src/logger.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { labSettings } from '../support/lab.js';

const GUIDE = readFileSync('docs/admin-guide.md', 'utf8');
const HTTP_PORT = 18_188;
const SIP_PORT = 15_160;
const PASSWORD = `guide-${process.pid}-${Date.now().toString(36)}`;

/** The guide's ```ini block that follows the paragraph naming `file`. */
function guideIni(file: string): string {
  const at = GUIDE.indexOf(`\`${file}\``);
  const block = /```ini\n([\s\S]*?)```/.exec(GUIDE.slice(at));
  if (at < 0 || !block?.[1]) throw new Error(`the guide has no ini block for ${file}`);
  return block[1];
}

/** Sets each `key=value` of `section` in an Asterisk config text (inserted after the header). */
function setKeys(text: string, section: string, keys: Record<string, string>): string {
  const header = `[${section}]`;
  const start = text.indexOf(`\n${header}`) + 1;
  if (start === 0) throw new Error(`no ${header}`);
  const end = text.indexOf('\n[', start + header.length);
  let body = text.slice(start + header.length, end < 0 ? undefined : end);
  for (const k of Object.keys(keys)) body = body.replace(new RegExp(`^\\s*${k}\\s*=.*$`, 'gm'), '');
  const lines = Object.entries(keys).map(([k, v]) => `${k}=${v}`);
  return `${text.slice(0, start)}${header}\n${lines.join('\n')}${body}${end < 0 ? '' : text.slice(end)}`;
}

/** `key=value` lines of an ini block's first section, comments dropped. */
function iniKeys(block: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const m = /^(\w+)=([^;\s]*)/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) keys[m[1]] = m[2];
  }
  return keys;
}

/**
 * The admin guide followed on a second Asterisk that starts from Debian's stock configuration
 * (the package's samples, which Debian installs as /etc/asterisk) in the lab's root: the guide's
 * http.conf and ari.conf settings, `#include extensions_dialer.conf`, the pjsip example with its
 * CHANGE_ME values filled, the recording spool. Only what must differ beside the lab's own
 * Asterisk is changed: its own directories and ports. Then `dialer pbx check` must find nothing
 * wrong but the agent's phone, which nobody registered.
 */
describe('the admin guide on a stock Debian Asterisk', () => {
  let t: TestDb;
  let asterisk: ChildProcess | undefined;
  let dir = '';
  let lines: CheckLine[] = [];
  const root = labSettings().root;

  beforeAll(async () => {
    t = await createTestDb();
    dir = mkdtempSync(join(root, 'tmp', 'dialer-guide-'));
    chmodSync(dir, 0o755);
    const inner = `/tmp/${basename(dir)}`;
    const etc = join(dir, 'etc');
    for (const d of ['etc', 'run', 'spool', 'log', 'db']) mkdirSync(join(dir, d));
    stockConfig(root, etc, inner);
    followGuide(etc, join(dir, 'spool'));
    spawnSync('chroot', [
      root,
      'chown',
      '-R',
      'asterisk:asterisk',
      `${inner}/run`,
      `${inner}/spool`,
      `${inner}/log`,
      `${inner}/db`,
    ]);
    asterisk = spawn(
      'chroot',
      [
        root,
        '/usr/sbin/asterisk',
        '-C',
        `${inner}/etc/asterisk.conf`,
        '-f',
        '-U',
        'asterisk',
        '-G',
        'asterisk',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    asterisk.stdout?.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4_000)));
    asterisk.stderr?.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4_000)));
    await ariUp(
      () => asterisk?.exitCode ?? null,
      () => out,
    );
    await t.db('agents').insert({ username: 'agent1', display_name: 'A1', sip_endpoint: 'PJSIP/agent1' });
    lines = await runPbxChecks(guideConfig(), t.db, createLogger({ level: 'silent', name: 'guide' }));
  }, 90_000);

  afterAll(async () => {
    if (asterisk?.pid !== undefined && asterisk.exitCode === null) {
      asterisk.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 2_000));
      if (asterisk.exitCode === null) asterisk.kill('SIGKILL');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    await t?.drop();
  });

  it('pbx check passes every check but the unregistered phone', () => {
    const text = formatReport(lines);
    const failed = lines.filter((l) => l.status !== 'ok');
    expect(
      failed.map((l) => `${l.check}: ${l.detail}`),
      text,
    ).toEqual(['agent agent1: endpoint PJSIP/agent1 is defined but offline']);
    expect(lines.map((l) => l.check)).toEqual([
      'ari',
      'stasis',
      'modules',
      'dialplan',
      'trunk carrier-a',
      'agent agent1',
      'sound sound:custom/dialer-id-message',
      'recording',
    ]);
  });

  /** The lab's defaults pointed at this Asterisk and the example's trunk. */
  function guideConfig(): Config {
    const base = loadConfig({ env: {}, implicitFile: false });
    const node = base.pbx.nodes[0]!;
    return {
      ...base,
      pbx: {
        nodes: [
          {
            ...node,
            ari: {
              url: `http://127.0.0.1:${HTTP_PORT}`,
              username: 'dialer',
              password: PASSWORD,
              app: 'guide',
            },
          },
        ],
      },
      trunks: [{ ...base.trunks[0]!, name: 'carrier-a', node: node.name, dial: 'PJSIP/{number}@carrier-a' }],
    };
  }
});

/** Debian's stock /etc/asterisk (the samples it installs), with this instance's own directories. */
function stockConfig(root: string, etc: string, inner: string): void {
  const samples = join(root, 'usr/share/asterisk/conf/samples');
  for (const f of readdirSync(samples))
    if (f.endsWith('.conf.sample')) copyFileSync(join(samples, f), join(etc, f.replace(/\.sample$/, '')));
  // Debian's own asterisk.conf (the lab never writes it), moved beside the lab's Asterisk.
  const own: Record<string, string> = {
    astetcdir: `${inner}/etc`,
    astrundir: `${inner}/run`,
    astspooldir: `${inner}/spool`,
    astlogdir: `${inner}/log`,
    astdbdir: `${inner}/db`,
  };
  // Debian ships [directories] as a template (!), so its values are ignored: make it a section.
  let conf = readFileSync(join(root, 'etc/asterisk/asterisk.conf'), 'utf8').replace(
    /^\[directories\]\(!\)/m,
    '[directories]',
  );
  for (const [k, v] of Object.entries(own))
    conf = conf.replace(new RegExp(`^${k} => .*$`, 'm'), `${k} => ${v}`);
  writeFileSync(join(etc, 'asterisk.conf'), conf);
  // Its own IAX port on loopback (the lab's Asterisk may have the usual one; AMI is off in the
  // stock manager.conf), and no DUNDi or Unistim, which would listen on every address.
  const iax = join(etc, 'iax.conf');
  writeFileSync(
    iax,
    setKeys(readFileSync(iax, 'utf8'), 'general', { bindport: '14569', bindaddr: '127.0.0.1' }),
  );
  const modules = join(etc, 'modules.conf');
  writeFileSync(
    modules,
    setKeys(readFileSync(modules, 'utf8'), 'modules', { autoload: 'yes' }) +
      '\nnoload = pbx_dundi.so\nnoload = chan_unistim.so\n',
  );
}

/** The guide's steps 3 (Asterisk) as written, on this instance's files. */
function followGuide(etc: string, spool: string): void {
  const http = iniKeys(guideIni('http.conf'));
  expect(http).toMatchObject({ enabled: 'yes', bindaddr: '127.0.0.1', bindport: '8088' });
  const httpFile = join(etc, 'http.conf');
  writeFileSync(
    httpFile,
    setKeys(readFileSync(httpFile, 'utf8'), 'general', { ...http, bindport: String(HTTP_PORT) }),
  );
  const ari = guideIni('ari.conf').replace(/^password=.*$/m, `password=${PASSWORD}`);
  const ariFile = join(etc, 'ari.conf');
  writeFileSync(ariFile, `${readFileSync(ariFile, 'utf8')}\n${ari.slice(ari.indexOf('[dialer]'))}`);
  copyFileSync('dialplan/asterisk/extensions_dialer.conf', join(etc, 'extensions_dialer.conf'));
  writeFileSync(
    join(etc, 'extensions.conf'),
    `${readFileSync(join(etc, 'extensions.conf'), 'utf8')}\n#include extensions_dialer.conf\n`,
  );
  const pjsip = readFileSync('dialplan/asterisk/pjsip_dialer.example.conf', 'utf8')
    .replaceAll('CHANGE_ME', PASSWORD)
    .replace('bind=0.0.0.0:5060', `bind=127.0.0.1:${SIP_PORT}`);
  writeFileSync(join(etc, 'pjsip_dialer.conf'), pjsip);
  writeFileSync(
    join(etc, 'pjsip.conf'),
    `${readFileSync(join(etc, 'pjsip.conf'), 'utf8')}\n#include pjsip_dialer.conf\n`,
  );
  expect(GUIDE).toContain(
    'mkdir -p /var/spool/asterisk/recording && chown asterisk: /var/spool/asterisk/recording',
  );
  mkdirSync(join(spool, 'recording'));
}

async function ariUp(exited: () => number | null, output: () => string): Promise<void> {
  const auth = `Basic ${Buffer.from(`dialer:${PASSWORD}`).toString('base64')}`;
  for (let i = 0; i < 120; i++) {
    if (exited() !== null) throw new Error(`the stock Asterisk exited (${exited()}): ${output()}`);
    const ok = await fetch(`http://127.0.0.1:${HTTP_PORT}/ari/asterisk/info`, {
      headers: { Authorization: auth },
    })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the stock Asterisk did not answer on ARI within 60 s: ${output()}`);
}
