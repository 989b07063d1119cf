import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'dialer-webhook-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const example = readFileSync(new URL('../../config/dialer.example.yaml', import.meta.url), 'utf8')
  .replace('/etc/dialer/ari-password', join(dir, 'ari-password'))
  .replace(/\nwebhooks:[\s\S]*$/, '\n');
writeFileSync(join(dir, 'ari-password'), 'x\n');

function load(webhooks: string) {
  const file = join(dir, 'dialer.yaml');
  writeFileSync(file, `${example}webhooks:\n${webhooks}`);
  return loadConfig({ file, env: {} });
}

function problems(webhooks: string): string[] {
  try {
    load(webhooks);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const secretFile = join(dir, 'crm.secret');
writeFileSync(secretFile, 'whsec-0123456789abcdef\n');
chmodSync(secretFile, 0o600);
const endpoint = (over: string) =>
  `  endpoints:\n    - name: crm\n      url: https://crm.example.com/hook\n      secretFile: ${secretFile}\n      events: [call-ended]\n${over}`;

describe('webhooks config', () => {
  it('reads each endpoint secret from its file and fills the retry defaults', () => {
    const cfg = load(endpoint(''));
    expect(cfg.webhooks).toEqual({
      endpoints: [
        {
          name: 'crm',
          url: 'https://crm.example.com/hook',
          events: ['call-ended'],
          secret: 'whsec-0123456789abcdef',
        },
      ],
      attempts: 8,
      backoffMs: 10_000,
      timeoutMs: 10_000,
      retentionDays: 30,
    });
  });

  it('defaults to no endpoints at all', () => {
    expect(load('  endpoints: []\n').webhooks.endpoints).toEqual([]);
  });

  it.each([
    [
      'plain http to another host',
      (s: string) => s.replace('https://crm.example.com', 'http://crm.example.com'),
      /must be https/,
    ],
    ['an unknown event', (s: string) => s.replace('[call-ended]', '[call-ended, lead-sold]'), /events/],
    ['no events', (s: string) => s.replace('[call-ended]', '[]'), /at least one/],
    [
      'a missing secret file',
      (s: string) => s.replace(secretFile, `${secretFile}.nope`),
      /cannot read .*ENOENT/,
    ],
    [
      'an inline secret',
      (s: string) => s.replace(`secretFile: ${secretFile}`, 'secret: hunter2hunter2hunter2'),
      /secret/,
    ],
  ])('refuses %s, naming the key', (_what, change, message) => {
    const p = problems(change(endpoint('')));
    expect(p.join('\n')).toMatch(message);
    expect(p.join('\n')).toMatch(/webhooks\.endpoints/);
  });

  it('allows plain http to this machine (a lab receiver)', () => {
    const cfg = load(endpoint('').replace('https://crm.example.com', 'http://127.0.0.1:9999'));
    expect(cfg.webhooks.endpoints[0]?.url).toBe('http://127.0.0.1:9999/hook');
  });

  it('refuses a guessable secret without printing it', () => {
    const short = join(dir, 'short.secret');
    writeFileSync(short, 'abc123\n');
    const p = problems(endpoint('').replace(secretFile, short)).join('\n');
    expect(p).toMatch(/shorter than 16 characters/);
    expect(p).not.toContain('abc123');
  });
});
