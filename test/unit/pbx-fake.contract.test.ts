import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { describePbxContract } from '../contract/pbx-contract.js';

/** The fake PBX, 20× faster than real time, against the same contract as the real adapters. */
describePbxContract('fake', () => ({
  capabilities: new FakePbxDriver().capabilities,
  createDriver: async () => {
    const driver = new FakePbxDriver({ speed: 20 });
    await driver.connect();
    return driver;
  },
  dialString: (n) => `lab/${n}`,
  agentDialString: (i) => `agent/${i}`,
  eventTimeoutMs: 2_000,
  settleMs: 150,
  noAnswerTimeoutSec: 2,
  timeScale: 1 / 20,
}));
