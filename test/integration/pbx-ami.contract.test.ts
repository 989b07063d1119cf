import { pino } from 'pino';
import { AmiDriver } from '../../src/pbx/asterisk/ami/ami-driver.js';
import type { PbxCapability } from '../../src/pbx/pbx-driver.js';
import { describePbxContract } from '../contract/pbx-contract.js';
import { labSettings } from '../support/lab.js';
import { requireDialplanContexts } from '../support/lab-dialplan.js';

/** The AMI driver against the real Asterisk lab (bash scripts/lab/lab.sh up). */
const capabilities: ReadonlySet<PbxCapability> = new Set([
  'originate',
  'bridge',
  'record',
  'play',
  'snoop',
  'amd',
  'dtmf',
]);

describePbxContract('ami (lab Asterisk)', () => ({
  createDriver: async () => {
    await requireDialplanContexts(['dialer-ami-park', 'dialer-ami-park-beep', 'dialer-ami-play']);
    const lab = labSettings();
    const driver = new AmiDriver(
      {
        host: lab.ami.host,
        port: lab.ami.port,
        username: lab.ami.username,
        secret: lab.ami.secret,
        monitorSpool: lab.monitorSpool,
      },
      pino({ level: 'silent' }),
    );
    await driver.connect();
    return driver;
  },
  dialString: (n) => `PJSIP/${n}@lab-carrier`,
  agentDialString: (i) => `PJSIP/agent${i}`,
  eventTimeoutMs: 15_000,
  settleMs: 1_500,
  noAnswerTimeoutSec: 2,
  timeScale: 1,
  capabilities,
}));
