import type { Config } from '../config/load.js';
import { engineSettings } from '../domain/campaign/engine-settings.js';
import type { CampaignRow } from '../ports/campaigns.js';
import type { CampaignPlan } from './campaign-runner.js';

export type { CampaignRow } from '../ports/campaigns.js';

/** How the engine dials one campaign: its trunk and node, caller id, ring, AMD, connect window. */
export function campaignPlan(row: CampaignRow, config: Config): CampaignPlan {
  const trunk = config.trunks.find((t) => t.name === row.trunk) ?? config.trunks[0];
  if (!trunk) throw new Error('no trunk configured');
  const s = engineSettings(row.dial_mode, row.settings['engine']);
  const callerId = row.caller_id_number ?? config.callerIds[0]?.number;
  return {
    id: row.id,
    campaignCode: row.code,
    campaignPurpose: row.purpose,
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
