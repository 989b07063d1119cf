import type { Config } from '../config/load.js';
import type { CampaignPlan } from './campaign-runner.js';

/** The campaign columns the engine reads. */
export interface CampaignRow {
  id: number;
  code: string;
  purpose: string;
  abandon_target: number;
  dial_mode: CampaignPlan['mode'];
  caller_id_number: string | null;
  caller_id_name: string | null;
  trunk: string | null;
  max_attempts: number;
  settings: Record<string, unknown>;
}

/** Engine settings a campaign may carry in `settings.engine`; defaults in brackets. */
export interface EngineSettings {
  /** Seconds to ring before no-answer [25; never under 15 — the US rule]. */
  ringTimeoutSec: number;
  /** Answering-machine detection [true for predictive/agentless]. */
  amd: boolean;
  /** Seconds of wrap-up after a call before the agent is ready again [10]. */
  wrapUpSec: number;
  /** The identification message for abandoned calls, as a PBX sound [sound:custom/dialer-id-message]. */
  idMessage: string;
  idMessageSec: number;
}

export function engineSettings(row: CampaignRow): EngineSettings {
  const s = (row.settings['engine'] ?? {}) as Partial<EngineSettings>;
  const predictive = row.dial_mode === 'predictive' || row.dial_mode === 'agentless';
  return {
    ringTimeoutSec: Math.max(15, s.ringTimeoutSec ?? 25),
    amd: s.amd ?? predictive,
    wrapUpSec: s.wrapUpSec ?? 10,
    idMessage: s.idMessage ?? 'sound:custom/dialer-id-message',
    idMessageSec: s.idMessageSec ?? 9,
  };
}

export function campaignPlan(row: CampaignRow, config: Config): CampaignPlan {
  const trunk = config.trunks.find((t) => t.name === row.trunk) ?? config.trunks[0];
  if (!trunk) throw new Error('no trunk configured');
  const s = engineSettings(row);
  const callerId = row.caller_id_number ?? config.callerIds[0]?.number;
  return {
    id: row.id,
    campaignCode: row.code,
    mode: row.dial_mode,
    dialTemplate: trunk.dial,
    trunk: trunk.name,
    pbxNode: trunk.node,
    callerId: callerId
      ? { number: callerId, name: row.caller_id_name ?? config.callerIds[0]?.name }
      : undefined,
    ringTimeoutSec: s.ringTimeoutSec,
    amd: s.amd,
    connectWithinMs: config.compliance.connectWithinSec * 1000,
    idMessage: s.idMessage,
    idMessageSec: s.idMessageSec,
    tickMs: 250,
    // About two seconds of dials at the trunk's CPS, so a refill per tick keeps up with it.
    hopperLowWater: Math.max(20, Math.ceil(trunk.cps * 2)),
  };
}
