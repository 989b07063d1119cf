import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';

function writeTemp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dialer-config-'));
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
    const dir = mkdtempSync(join(tmpdir(), 'dialer-config-'));
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
    expect(problems.join('\n')).toMatch(/pbx\.nodes\[0\]\.driver: .*ari.*ami.*esl/);
    expect(problems.join('\n')).toMatch(/trunks\[0\]\.cps: /);
    expect(problems.join('\n')).toMatch(/log\.levle: unknown key — did you mean "level"\?/);
  });

  it('names a trunk that points at no PBX node and a missing credential file', () => {
    const broken = readExample().replace('node: pbx1', 'node: pbx9');
    const problems = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', broken), env: {} }));
    expect(problems).toEqual([
      expect.stringMatching(/^trunks\[0\]\.node: names no PBX node \(known: pbx1\)/),
    ]);
    const missing = problemsOf(() => loadConfig({ file: writeTemp('dialer.yaml', readExample()), env: {} }));
    expect(missing).toEqual([
      expect.stringMatching(/pbx\.nodes\[0\]\.ari\.passwordFile: cannot read \/etc\/dialer\/ari-password/),
    ]);
  });

  it('reports YAML syntax errors with the line', () => {
    const problems = problemsOf(() =>
      loadConfig({ file: writeTemp('dialer.yaml', 'log:\n  level: [info\n'), env: {} }),
    );
    expect(problems[0]).toMatch(/YAML syntax at line \d+/);
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
    const dir = mkdtempSync(join(tmpdir(), 'dialer-config-'));
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
