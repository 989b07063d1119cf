import { describe, expect, it } from 'vitest';
import { unsafeForProduction } from '../../../src/config/example-secrets.js';
import type { Config } from '../../../src/config/load.js';
import { loadConfig } from '../../../src/config/load.js';

const lab = loadConfig({ env: {}, file: undefined, cwd: process.cwd() });
const prod = (over: { ari?: string; host?: string; secure?: boolean; source?: string }): Config => ({
  ...lab,
  source: over.source ?? '/etc/dialer/dialer.yaml',
  http: { ...lab.http, host: over.host ?? '127.0.0.1', secureCookies: over.secure ?? true },
  pbx: {
    nodes: lab.pbx.nodes.map((n) => ({
      ...n,
      ari: n.ari ? { ...n.ari, password: over.ari ?? 'a-long-random-value' } : undefined,
    })),
  },
});

describe('unsafeForProduction', () => {
  it.each([
    ['a real secret on loopback', {}, []],
    ['CHANGE_ME from the examples', { ari: 'CHANGE_ME' }, [/ari\.password: an example value/]],
    ['FreeSWITCH-style stock ClueCon', { ari: 'ClueCon' }, [/an example value/]],
    ['the lab itself, even with an example', { ari: 'CHANGE_ME', source: 'embedded defaults' }, []],
    [
      'plain cookies on a public address',
      { host: '0.0.0.0', secure: false },
      [/secureCookies: false while http.host is 0.0.0.0/],
    ],
    ['plain cookies on loopback (behind a local proxy)', { secure: false }, []],
  ] as const)('%s', (_n, over, expected) => {
    const problems = unsafeForProduction(prod(over));
    expect(problems).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(problems[i]).toMatch(re));
  });
});
