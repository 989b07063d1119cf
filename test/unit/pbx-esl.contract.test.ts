import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll } from 'vitest';
import { EslDriver } from '../../src/pbx/freeswitch/esl-driver.js';
import type { PbxCapability } from '../../src/pbx/pbx-driver.js';
import { describePbxContract } from '../contract/pbx-contract.js';
import { EslWireServer } from '../support/esl-wire-server.js';

/** The ESL driver over a real TCP event socket speaking mod_event_socket's protocol. */
const server = new EslWireServer({ timeScale: 0.25 });
const recordingDir = mkdtempSync(join(tmpdir(), 'esl-contract-'));
const capabilities: ReadonlySet<PbxCapability> = new Set([
  'originate',
  'bridge',
  'record',
  'play',
  'snoop',
  'amd',
  'dtmf',
]);

afterAll(async () => {
  await server.close();
  rmSync(recordingDir, { recursive: true, force: true });
});

describePbxContract('esl (wire server)', () => ({
  createDriver: async () => {
    const port = await server.listen();
    const driver = new EslDriver(
      { host: '127.0.0.1', port, password: server.password, recordingDir },
      pino({ level: 'silent' }),
    );
    await driver.connect();
    return driver;
  },
  dialString: (n) => `sofia/gateway/lab-carrier/${n}`,
  agentDialString: (i) => `user/agent${i}`,
  eventTimeoutMs: 5_000,
  settleMs: 500,
  noAnswerTimeoutSec: 2,
  timeScale: 0.25,
  capabilities,
}));
