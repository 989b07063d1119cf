import type { PbxNodeConfig } from '../config/load.js';
import type { Logger } from '../logger.js';
import { AmiDriver } from './asterisk/ami/ami-driver.js';
import { AriDriver } from './asterisk/ari/ari-driver.js';
import { EslDriver } from './freeswitch/esl-driver.js';
import { PbxError, type PbxDriver } from './pbx-driver.js';

/** Builds the driver a configured PBX node asks for (called by the composition root only). */
export function createPbxDriver(node: PbxNodeConfig, logger: Logger): PbxDriver {
  const log = logger.child({ pbx: node.name, driver: node.driver });
  const missing = () =>
    new PbxError('rejected', `pbx node ${node.name}: driver ${node.driver} needs its section`);
  switch (node.driver) {
    case 'ari': {
      if (!node.ari) throw missing();
      const { url, username, password, app } = node.ari;
      return new AriDriver({ url, username, password, app }, log);
    }
    case 'ami': {
      if (!node.ami) throw missing();
      const { host, port, username, secret } = node.ami;
      return new AmiDriver(
        { host, port, username, secret, monitorSpool: node.recordingSpool ?? '/var/spool/asterisk/monitor' },
        log,
      );
    }
    case 'esl': {
      if (!node.esl) throw missing();
      const { recordingSpool } = node;
      return new EslDriver(
        { ...node.esl, ...(recordingSpool ? { localRecordingDir: recordingSpool } : {}) },
        log,
      );
    }
  }
}
