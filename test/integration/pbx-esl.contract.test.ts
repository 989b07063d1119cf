import { pino } from 'pino';
import { expect, it } from 'vitest';
import { EslDriver } from '../../src/pbx/freeswitch/esl-driver.js';
import { describePbxContract } from '../contract/pbx-contract.js';
import { labFreeswitch } from '../support/lab.js';

const logger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
const lab = labFreeswitch();

/** The ESL driver against the lab's real FreeSWITCH 1.11.1 (bash scripts/lab/lab.sh up). */
if (lab.skip !== undefined) {
  it.skip(lab.skip, () => undefined);
} else {
  const fs = lab.fs;
  const make = () => new EslDriver({ ...fs.esl, recordingDir: fs.recordingDir }, logger);
  it('refuses a wrong event-socket password (the real mod_event_socket)', async () => {
    const driver = new EslDriver(
      { ...fs.esl, password: `${fs.esl.password}-wrong`, recordingDir: fs.recordingDir, maxBackoffMs: 200 },
      logger,
    );
    await expect(driver.connect()).rejects.toMatchObject({ code: 'rejected' });
    await driver.close();
  });
  describePbxContract('esl (lab FreeSWITCH)', () => ({
    capabilities: make().capabilities,
    createDriver: async () => {
      const driver = make();
      await driver.connect();
      return driver;
    },
    dialString: (n) => `sofia/gateway/${fs.carrierGateway}/${n}`,
    agentDialString: (i) => `user/agent${i}`,
    eventTimeoutMs: 15_000,
    settleMs: 1_500,
    noAnswerTimeoutSec: 2,
    timeScale: 1,
  }));
}
