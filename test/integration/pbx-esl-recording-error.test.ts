import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labNumber } from '../../src/lab/number-plan.js';
import { PbxError, type PbxEvent } from '../../src/pbx/pbx-driver.js';
import { EslDriver } from '../../src/pbx/freeswitch/esl-driver.js';
import { labFreeswitch } from '../support/lab.js';

const lab = labFreeswitch();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A bridge (conference) recording FreeSWITCH cannot open, on the real FreeSWITCH: the recording
 * directory is under /proc, where no file can be created (not even by root). mod_conference still
 * sends `start-recording`, with an `Error` header; the driver must report a failure, never a start.
 */
describe.skipIf(lab.skip !== undefined)(
  `ESL recording errors on the lab FreeSWITCH ${lab.skip ?? ''}`,
  () => {
    const run = Math.random().toString(36).slice(2, 8);
    const events: PbxEvent[] = [];
    let driver: EslDriver;

    beforeAll(async () => {
      const fs = lab.fs;
      if (!fs) return;
      driver = new EslDriver(
        { ...fs.esl, recordingDir: '/proc/dialer-cannot-write' },
        pino({ level: 'silent' }),
      );
      driver.onEvent((e) => events.push(e));
      await driver.connect();
    });
    afterAll(async () => {
      await driver?.close();
    });

    it('a bridge recording that cannot open its file is reported failed, not started', async () => {
      const customer = `recerr-${run}-cust`;
      await driver.originate({
        callId: customer,
        endpoint: `sofia/gateway/${lab.fs?.carrierGateway}/${labNumber(9, 0, 7)}`,
        timeoutSec: 15,
      });
      for (let i = 0; i < 300 && !events.some((e) => e.type === 'answered' && e.callId === customer); i++) {
        await sleep(50);
      }
      const bridgeId = `recerr-${run}-br`;
      await driver.createBridge(bridgeId);
      await driver.addToBridge(bridgeId, customer);
      const name = `recerr-${run}-rec`;
      let refused: unknown;
      await driver
        .startRecording({ name, target: { bridgeId }, format: 'wav' })
        .catch((e: unknown) => (refused = e));
      for (let i = 0; i < 100 && !refused && !events.some((e) => e.type === 'recording-failed'); i++)
        await sleep(50);
      await driver.hangup(customer).catch(() => undefined);
      await driver.destroyBridge(bridgeId);
      const mine = events.filter((e) => 'name' in e && e.name === name).map((e) => e.type);
      expect(mine, 'recording events').not.toContain('recording-started');
      if (refused === undefined) expect(mine).toContain('recording-failed');
      else expect(refused).toBeInstanceOf(PbxError);
    });
  },
);
