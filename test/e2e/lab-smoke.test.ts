import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labNumber } from '../../src/lab/number-plan.js';
import {
  carrierLogOffset,
  labHome,
  labSettings,
  numbersInvitedAtCarrier,
  type LabSettings,
} from '../support/lab.js';
import { RawAri, type AriEvent } from '../support/raw-ari.js';

/**
 * The lab itself, through plain ARI: a call through the real Asterisk to a SIPp customer is
 * answered and ends with the right cause; busy and no-answer end with theirs.
 */
describe('lab smoke (real Asterisk, SIPp customers)', () => {
  let lab: LabSettings;
  let ari: RawAri;
  const id = (s: string) => `smoke-${s}-${Date.now().toString(36)}`;
  const destroyed = (channelId: string) => (e: AriEvent) =>
    e.type === 'ChannelDestroyed' && e.channel?.id === channelId;

  beforeAll(async () => {
    lab = labSettings();
    ari = new RawAri(lab);
    await ari.connect();
  });
  afterAll(() => ari.close());

  it('answers a human, and our hang-up ends it with cause 16 (normal clearing)', async () => {
    const ch = id('answer');
    const number = labNumber(9);
    const offset = carrierLogOffset(lab);
    expect((await ari.originate(ch, `PJSIP/${number}@${lab.carrierEndpoint}`, 10)).status).toBe(200);
    const start = await ari.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === ch, 10_000);
    expect(start.channel?.state).toBe('Up');
    expect((await ari.request('DELETE', `/channels/${ch}`)).status).toBe(204);
    const end = await ari.waitFor(destroyed(ch), 5_000);
    expect(end.cause).toBe(16);
    // The far end's own log shows it was dialled.
    expect(numbersInvitedAtCarrier(lab, offset).has(number)).toBe(true);
  });

  it('reports busy as cause 17 with SIP 486', async () => {
    const ch = id('busy');
    await ari.originate(ch, `PJSIP/${labNumber(1)}@${lab.carrierEndpoint}`, 10);
    const end = await ari.waitFor(destroyed(ch), 10_000);
    expect([end.cause, end.tech_cause]).toEqual([17, 486]);
  });

  it('reports no answer as cause 19 when the ring timeout expires', async () => {
    const ch = id('noanswer');
    const started = Date.now();
    await ari.originate(ch, `PJSIP/${labNumber(2)}@${lab.carrierEndpoint}`, 2);
    const end = await ari.waitFor(destroyed(ch), 10_000);
    expect(end.cause).toBe(19);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  });

  it('sees the customer hang up first after talking (TT digits)', async () => {
    const ch = id('talk');
    await ari.originate(ch, `PJSIP/${labNumber(9, 2)}@${lab.carrierEndpoint}`, 10);
    await ari.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === ch, 5_000);
    const end = await ari.waitFor(destroyed(ch), 8_000);
    expect(end.channel?.state).toBe('Up');
  });

  it('lab up a second time is harmless: the same processes keep running', () => {
    const pids = () =>
      ['asterisk', 'carrier', 'phones'].map((n) =>
        readFileSync(join(labHome(), 'state', 'run', `${n}.pid`), 'utf8').trim(),
      );
    const before = pids();
    const run = spawnSync('bash', ['scripts/lab/lab.sh', 'up'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(pids()).toEqual(before);
    expect(spawnSync('bash', ['scripts/lab/lab.sh', 'status']).status).toBe(0);
  });
});
