import { loadConfig, type Config } from '../../src/config/load.js';
import type { Logger } from '../../src/logger.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import { EslDriver } from '../../src/pbx/freeswitch/esl-driver.js';
import type { PbxDriver } from '../../src/pbx/pbx-driver.js';
import { labFreeswitch, labSettings, type LabSettings } from './lab.js';

/**
 * One PBX of the lab as the engine's end-to-end tests see it: how to build its driver, the
 * config that points the `lab-carrier` trunk at it, how its agents' phones are dialled and which
 * SIPp carrier plays its customers. The same e2e case runs once per LabPbx (describe.each).
 */
export interface LabPbx {
  name: 'asterisk' | 'freeswitch';
  /** Why this PBX cannot run here (the FreeSWITCH bundle is missing); undefined when it can. */
  skip?: string;
  /** The lab's settings with `carrierMessages` being this PBX's carrier (for the far end's log). */
  settings(): LabSettings;
  /** A driver of its own (`tag` keeps ARI app names apart between test files). */
  driver(logger: Logger, tag: string): PbxDriver;
  /** Config parts for engineTestApp: the `lab` node and its `lab-carrier` trunk. */
  config(): Partial<Config>;
  /** The dial string of lab agent `i`'s softphone. */
  agent(i: number): string;
}

const asterisk: LabPbx = {
  name: 'asterisk',
  settings: () => labSettings(),
  driver: (logger, tag) => new AriDriver({ ...labSettings().ari, app: `e2e-${tag}-${process.pid}` }, logger),
  config: () => ({}),
  agent: (i) => `PJSIP/agent${i}`,
};

function freeswitch(): LabPbx {
  const lab = labFreeswitch();
  const fs = () => {
    if (!lab.fs) throw new Error(lab.skip);
    return lab.fs;
  };
  return {
    name: 'freeswitch',
    ...(lab.skip !== undefined ? { skip: lab.skip } : {}),
    settings: () => ({
      ...labSettings(),
      carrierMessages: fs().carrierMessages,
      phonesMessages: fs().phonesMessages,
    }),
    driver: (logger) => new EslDriver({ ...fs().esl, recordingDir: fs().recordingDir }, logger),
    config: () => {
      const base = loadConfig({ env: {}, file: undefined, cwd: process.cwd() });
      const esl = {
        ...fs().esl,
        recordingDir: fs().recordingDir,
        amdEngine: 'mod_amd' as const,
        conferenceProfile: 'dialer',
        apiLanes: 4,
        amdVerdictTimeoutMs: 10_000,
        avmdWindowMs: 8_000,
      };
      const trunk = base.trunks.find((t) => t.name === 'lab-carrier');
      if (!trunk) throw new Error('the embedded defaults have no lab-carrier trunk');
      return {
        pbx: { nodes: [{ name: 'lab', driver: 'esl', maxChannels: 200, esl }] },
        trunks: [{ ...trunk, dial: `sofia/gateway/${fs().carrierGateway}/{number}` }],
      };
    },
    agent: (i) => `user/agent${i}`,
  };
}

/** Asterisk (over ARI) and FreeSWITCH (over ESL), for `describe.each(labPbxs())`. */
export function labPbxs(): LabPbx[] {
  return [asterisk, freeswitch()];
}
