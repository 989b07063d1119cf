import { pino } from 'pino';
import { it } from 'vitest';
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
