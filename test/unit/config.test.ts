import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    expect(problems.join('\n')).toMatch(/pbx\.nodes\[0\]\.driver \(line 36\): .*ari.*ami.*esl/);
    expect(problems.join('\n')).toMatch(/trunks\[0\]\.cps \(line 64\): /);
    expect(problems.join('\n')).toMatch(/log\.levle \(line 9\): unknown key — did you mean "level"\?/);
  });

  it('lists a bad trunk node beside a bad driver in the same pass', () => {
    const broken = readExample().replace('driver: ari ', 'driver: sip ').replace('node: pbx1', 'node: pbx9');
    const problems = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', broken), env: {} }));
    expect(problems).toEqual([
      expect.stringMatching(/^pbx\.nodes\[0\]\.driver \(line 36\): /),
      expect.stringMatching(/^trunks\[0\]\.node \(line 61\): names no PBX node \(known: pbx1\)/),
    ]);
  });

  it('names a trunk that points at no PBX node and a missing credential file', () => {
    const broken = readExample().replace('node: pbx1', 'node: pbx9');
    const problems = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', broken), env: {} }));
    expect(problems).toEqual([
      expect.stringMatching(/^trunks\[0\]\.node \(line 61\): names no PBX node \(known: pbx1\)/),
    ]);
    const missing = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', readExample()), env: {} }));
    expect(missing).toEqual([
      expect.stringMatching(
        /pbx\.nodes\[0\]\.ari\.passwordFile \(line 40\): cannot read \/etc\/dialer\/ari-password: ENOENT — create it/,
      ),
    ]);
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

function readExample(): string {
  return readFileSync(new URL('../../config/dialer.example.yaml', import.meta.url), 'utf8');
}
