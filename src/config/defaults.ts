import type { RawConfig } from './schema.js';

/** Where `scripts/lab/lab.sh up` keeps its state; the embedded defaults point at that lab. */
export const LAB_STATE_DIR = '/var/cache/dialer-lab/state';

/**
 * The embedded defaults: the local lab (Asterisk on 127.0.0.1 over ARI, the SIPp carrier as the
 * trunk), local Postgres and Redis. Used when no config file is given or found, so the demo
 * runs on a fresh machine with no editing.
 */
export function labDefaults(): RawConfig {
  return {
    instance: { name: 'dialer-1' },
    database: { url: 'postgres://postgres@127.0.0.1:5432/dialer' },
    redis: { url: 'redis://127.0.0.1:6379', prefix: 'dialer' },
    timezone: 'America/New_York',
    defaultRegion: 'US',
    recordings: { root: 'recordings' },
    // The lab serves plain HTTP on loopback: a Secure cookie would never be sent back.
    http: { host: '127.0.0.1', port: 8080, secureCookies: false },
    pbx: {
      nodes: [
        {
          name: 'lab',
          driver: 'ari',
          ari: {
            url: 'http://127.0.0.1:8088',
            username: 'dialer',
            passwordFile: `${LAB_STATE_DIR}/secrets/ari-password`,
            app: 'dialer',
          },
          maxChannels: 200,
        },
      ],
    },
    trunks: [
      { name: 'lab-carrier', node: 'lab', dial: 'PJSIP/{number}@lab-carrier', maxChannels: 100, cps: 20 },
    ],
    callerIds: [{ number: '+15555550100', name: 'Dialer Lab' }],
  };
}
