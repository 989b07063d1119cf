import type { Logger } from '../../src/logger.js';
import type { PbxDriver } from '../../src/pbx/pbx-driver.js';

/**
 * The PBX a bench part drives when it is not the lab's Asterisk over ARI: the driver, the
 * trunk's dial string and how the agents' softphones are dialled (FreeSWITCH over ESL).
 */
export interface BenchTarget {
  name: string;
  driver: (logger: Logger) => PbxDriver;
  dial: string;
  agentEndpoint: (i: number) => string;
}
