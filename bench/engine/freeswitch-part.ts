import { EslDriver } from '../../src/pbx/freeswitch/esl-driver.js';
import type { LabFreeswitch } from '../../test/support/lab.js';
import { labSettings } from '../../test/support/lab.js';
import type { BenchArgs } from './args.js';
import type { BenchTarget } from './bench-target.js';
import { runConnectEngine } from './connect-engine.js';
import { runEslConnectBaseline, runEslLoadBaseline } from './esl-baseline.js';
import { freeswitchRows } from './fs-rows.js';
import { runLoadEngine } from './originate-engine.js';
import type { ReportRow } from './report.js';

/** The lab's FreeSWITCH as a bench target: the ESL driver, its gateway, `user/agentN`. */
export function freeswitchTarget(fs: LabFreeswitch): BenchTarget {
  return {
    name: 'freeswitch',
    driver: (logger) => new EslDriver({ ...fs.esl, recordingDir: fs.recordingDir }, logger),
    dial: `sofia/gateway/${fs.carrierGateway}/{number}`,
    agentEndpoint: (i) => `user/agent${i}`,
  };
}

/**
 * Part 6: the FreeSWITCH column. Answer → agent (progressive, the lab's 12 FreeSWITCH phones)
 * and sustained originates/s (agentless, fill-the-trunk pacer), each beside a bare ESL client
 * on the same FreeSWITCH in the same run. Without the bundle it says so in one line.
 */
export async function partFreeswitch(
  args: BenchArgs,
  lab: { fs: LabFreeswitch; skip?: undefined } | { fs?: undefined; skip: string },
  all: Record<string, unknown>,
  log: (line: string) => void,
): Promise<ReportRow[]> {
  if (!lab.fs) {
    log(`part 6: ${lab.skip}`);
    return [];
  }
  const fs = lab.fs;
  const target = freeswitchTarget(fs);
  log(
    `part 6: FreeSWITCH, answer → agent: baseline ${args.fsBaselineCalls} calls, engine ${args.fsConnectCalls}`,
  );
  const common = { agents: args.agents, seed: args.seed, talkSec: args.talkSec, wrapUpSec: args.wrapUpSec };
  const baseline = await runEslConnectBaseline(fs, {
    ...common,
    calls: args.fsBaselineCalls,
    deadlineSec: args.fsBaselineCalls + 120,
  });
  const engine = await runConnectEngine(
    labSettings(),
    undefined,
    { ...common, calls: args.fsConnectCalls, deadlineSec: args.fsConnectCalls + 120, log },
    target,
  );
  const plan = args.fsRate;
  log(`part 6: FreeSWITCH, ${plan.calls} calls holding ${plan.holdSec} s, ≤ ${plan.maxChannels} channels`);
  const loadBaseline = await runEslLoadBaseline(fs, plan);
  const loadEngine = await runLoadEngine(labSettings(), plan, log, target);
  all['freeswitch'] = { connect: { engine, baseline }, load: { engine: loadEngine, baseline: loadBaseline } };
  return freeswitchRows({ engine, baseline }, { plan, engine: loadEngine, baseline: loadBaseline });
}
