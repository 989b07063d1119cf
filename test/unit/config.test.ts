import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dialer-config-'));
  made.push(dir);
  return dir;
}

function writeTemp(name: string, text: string): string {
  const dir = tempDir();
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('accepts the shipped example (credential files resolved)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ari-password'), 's3cret\n');
    const example = readExample().replace('/etc/dialer/ari-password', join(dir, 'ari-password'));
    const cfg = loadConfig({ file: writeTemp('dialer.yaml', example), env: {} });
    expect(cfg.pbx.nodes[0]?.ari?.password).toBe('s3cret');
    expect(cfg.trunks[0]?.cps).toBe(5);
    expect(Object.isFrozen(cfg.trunks[0])).toBe(true);
  });

  it('reports every mistake at once, each with its key', () => {
    const broken = readExample()
      .replace('driver: ari ', 'driver: aro ')
      .replace('cps: 5 ', 'cps: -1 ')
      .replace('  level: info', '  levle: info');
    const problems = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', broken), env: {} }));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(
      new RegExp(`pbx\\.nodes\\[0\\]\\.driver \\(line ${lineOf('driver: ari ')}\\): .*ari.*ami.*esl`),
    );
    expect(problems.join('\n')).toMatch(new RegExp(`trunks\\[0\\]\\.cps \\(line ${lineOf('cps: 5 ')}\\): `));
    expect(problems.join('\n')).toMatch(/log\.levle \(line 9\): unknown key — did you mean "level"\?/);
  });

  it('lists a bad trunk node beside a bad driver in the same pass', () => {
    const broken = readExample().replace('driver: ari ', 'driver: sip ').replace('node: pbx1', 'node: pbx9');
    const problems = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', broken), env: {} }));
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(`^pbx\\.nodes\\[0\\]\\.driver \\(line ${lineOf('driver: ari ')}\\): `),
      ),
      expect.stringMatching(
        new RegExp(
          `^trunks\\[0\\]\\.node \\(line ${lineOf('node: pbx1')}\\): names no PBX node \\(known: pbx1\\)`,
        ),
      ),
    ]);
  });

  it('names a trunk that points at no PBX node and a missing credential file', () => {
    const broken = readExample().replace('node: pbx1', 'node: pbx9');
    const problems = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', broken), env: {} }));
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^trunks\\[0\\]\\.node \\(line ${lineOf('node: pbx1')}\\): names no PBX node \\(known: pbx1\\)`,
        ),
      ),
    ]);
    const missing = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', readExample()), env: {} }));
    expect(missing).toEqual([
      expect.stringMatching(
        new RegExp(
          `pbx\\.nodes\\[0\\]\\.ari\\.passwordFile \\(line ${lineOf('/etc/dialer/ari-password')}\\): cannot read /etc/dialer/ari-password: ENOENT — create it`,
        ),
      ),
    ]);
  });

  it('refuses a recordings layout that could lose or mix files, naming the key and the rule', () => {
    const broken = readExample().replace(
      "layout: '{yyyy}/{mm}/{purpose}/{campaign}/{call}.wav'",
      "layout: '{yyyy}/../{campaign}.wav'",
    );
    const problems = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', broken), env: {} }));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^recordings\.layout \(line \d+\): layout must contain \{call\}, so every call has its own file/,
      ),
    );
  });

  it('reports a YAML syntax error with its line, column and the lines around it', () => {
    const text = 'log:\n  level: info\nredis:\n  url: redis://x\n   prefix: p\nhttp: {}\n';
    const problems = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', text), env: {} }));
    expect(problems[0]).toMatch(
      /^YAML syntax error at line 4, column 8: .+\n {6}\| .*url: redis:\/\/x\n {6}\| {8}\^/,
    );
    expect(problems[0]).not.toMatch(/:$/);
  });

  it('never puts secrets in the error message', () => {
    const broken = readExample().replace(
      'passwordFile: /etc/dialer/ari-password',
      'password: hunter2\n        passwordFile: /x',
    );
    const err = (() => {
      try {
        loadConfig({ file: writeTemp('dialer.yaml', broken), env: {} });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.message).toMatch(/exactly one of password or passwordFile/);
    expect(err.message).not.toContain('hunter2');
  });

  /** The example with its commented FreeSWITCH node switched on (credential file in a temp dir). */
  function exampleWithFreeswitch(): { text: string; dir: string } {
    const dir = tempDir();
    writeFileSync(join(dir, 'ari-password'), 'a\n');
    writeFileSync(join(dir, 'esl-password'), 'e\n');
    const lines = readExample().replace('/etc/dialer/ari-password', join(dir, 'ari-password')).split('\n');
    const from = lines.findIndex((l) => l.includes('# - name: fs1'));
    const to = lines.findIndex((l, i) => i > from && l.includes('#   recordingSpool:'));
    for (let i = from; i <= to; i++) lines[i] = (lines[i] ?? '').replace(/^ {4}# /, '    ');
    return { text: lines.join('\n').replace('/etc/dialer/esl-password', join(dir, 'esl-password')), dir };
  }

  it("reads the example's FreeSWITCH node with every setting the driver uses", () => {
    const { text } = exampleWithFreeswitch();
    const esl = loadConfig({ file: writeTemp('dialer.yaml', text), env: {} }).pbx.nodes[1]?.esl;
    expect(esl).toEqual({
      host: '127.0.0.1',
      port: 8021,
      password: 'e',
      recordingDir: '/var/lib/freeswitch/recordings/dialer',
      amdEngine: 'mod_amd',
      amdVerdictTimeoutMs: 10_000,
      avmdWindowMs: 8_000,
      conferenceProfile: 'dialer',
      apiLanes: 4,
    });
  });

  it('refuses a conference profile name FreeSWITCH would split, naming the key', () => {
    const { text } = exampleWithFreeswitch();
    const bad = text.replace('conferenceProfile: dialer ', "conferenceProfile: 'dia ler' ");
    const problems = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', bad), env: {} }));
    expect(problems.join('\n')).toMatch(/pbx\.nodes\[1\]\.esl\.conferenceProfile \(line \d+\)/);
  });

  it('lets the environment override the database URL', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pw'), 'x');
    const text = readExample().replace('/etc/dialer/ari-password', join(dir, 'pw'));
    const cfg = loadConfig({
      file: writeTemp('d.yaml', text),
      env: { DIALER_DATABASE_URL: 'postgres://a@b/c' },
    });
    expect(cfg.database.url).toBe('postgres://a@b/c');
  });
});

/** The example's line holding `needle` (1-based), so the expected lines follow edits to it. */
function lineOf(needle: string): number {
  const at = readExample()
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (at < 0) throw new Error(`the example has no line with ${needle}`);
  return at + 1;
}

function readExample(): string {
  return readFileSync(new URL('../../config/dialer.example.yaml', import.meta.url), 'utf8');
}

describe('config/dialer.yaml picked up by itself', () => {
  const checkout = () => {
    const dir = tempDir();
    const cfgDir = join(dir, 'config');
    mkdirSync(cfgDir);
    // The README's step 5 as a new admin does it: the example copied, its password file not made yet.
    writeFileSync(join(cfgDir, 'dialer.yaml'), readExample());
    return dir;
  };

  it('says why the file was read and how to choose another when it fails', () => {
    const cwd = checkout();
    try {
      loadConfig({ env: {}, cwd });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const e = err as ConfigError;
      expect(e.source).toBe(join(cwd, 'config/dialer.yaml'));
      expect(e.problems[0]).toMatch(
        /passwordFile \(line \d+\): cannot read \/etc\/dialer\/ari-password: ENOENT — create it/,
      );
      expect(e.message).toContain(
        'This file was read because it exists (no -c/--config or $DIALER_CONFIG given)',
      );
    }
  });

  it('a named file fails without that note', () => {
    const cwd = checkout();
    const e = (() => {
      try {
        loadConfig({ env: {}, cwd, file: 'config/dialer.yaml' });
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(e.message).not.toContain('read because it exists');
  });

  it('the demo (implicitFile false) keeps the lab defaults even when the file exists', () => {
    // Without a lab on this machine the defaults' own password file is missing: still the defaults.
    let source: string;
    try {
      source = loadConfig({ env: {}, cwd: checkout(), implicitFile: false }).source;
    } catch (err) {
      source = (err as ConfigError).source;
    }
    expect(source).toBe('embedded defaults');
  });
});

describe('commands that use only Postgres', () => {
  it('load a config whose PBX password file is missing (pbxSecrets optional), the database URL still required', () => {
    const file = writeTemp('dialer.yaml', readExample());
    const cfg = loadConfig({ env: {}, file, pbxSecrets: 'optional' });
    expect(cfg.pbx.nodes[0]?.ari?.password).toBe('');
    const noUrl = readExample().replace(
      'url: postgres://dialer@127.0.0.1:5432/dialer',
      'urlFile: /nonexistent/dialer-database-url',
    );
    expect(
      problemsOf(() => loadConfig({ env: {}, file: writeTemp('d.yaml', noUrl), pbxSecrets: 'optional' })),
    ).toEqual([
      expect.stringMatching(
        /^database\.urlFile \(line \d+\): cannot read \/nonexistent\/dialer-database-url: ENOENT/,
      ),
    ]);
  });
});
