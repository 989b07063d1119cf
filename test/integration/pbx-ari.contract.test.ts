import { pino } from 'pino';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import { describePbxContract } from '../contract/pbx-contract.js';
import { labSettings } from '../support/lab.js';
import { requireDialplanContexts } from '../support/lab-dialplan.js';

const logger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

/** The ARI driver against the running lab Asterisk (bash scripts/lab/lab.sh up). */
describePbxContract('ari (lab Asterisk)', () => {
  const lab = labSettings();
  const make = () =>
    new AriDriver({ ...lab.ari, app: `dialer-test-${process.pid}-${Date.now().toString(36)}` }, logger);
  return {
    capabilities: make().capabilities,
    createDriver: async () => {
      await requireDialplanContexts(['dialer-amd', 'dialer-amd-beep']);
      const driver = make();
      await driver.connect();
      return driver;
    },
    dialString: (n) => `PJSIP/${n}@lab-carrier`,
    agentDialString: (i) => `PJSIP/agent${i}`,
    eventTimeoutMs: 15_000,
    settleMs: 1_500,
    noAnswerTimeoutSec: 2,
    timeScale: 1,
  };
});
