import type { CampaignStatus } from '../domain/campaign/lifecycle.js';
import type { TrunkBackoffView } from './hopper.js';

/**
 * Why a lead cannot be dialled right now: its life has ended (`completed`), it is being dialled
 * (`in-progress`), or the reason the compliance gate gives (domain/compliance/gate.ts).
 */
export type IneligibleReason = 'completed' | 'in-progress' | (string & {});

/** What only the running engine knows; the diagnosis reports them when given. */
export interface EngineFacts {
  readyAgents?: number;
  /** Channels of the campaign's trunk not in use now, of `trunkMaxChannels`. */
  trunkFreeChannels?: number;
  trunkMaxChannels?: number;
  /** Calls that may start this second: free channels within the trunk's per-second allowance. */
  trunkStartsNow?: number;
  pbxHealthy?: boolean;
  trunkName?: string;
  /** The trunk is paused because its calls kept failing (engine/trunk-limiter.ts). */
  trunkBackoff?: TrunkBackoffView;
  /** The recording archive is full: what and the policy (recordings/archive-space.ts). */
  archiveFull?: string;
}

/** How many leads wait for one rule, and when the first of them may be dialled. */
export interface RuleWait {
  /** The gate's reason (`outside-window`, `dnc:national`, …) or the lifecycle's (`completed`). */
  rule: IneligibleReason;
  leads: number;
  /** The earliest time one of these leads may be dialled; null: not by the clock (DNC, finished). */
  nextEligibleAt: Date | null;
  /** Of `leads`, those counted from their stored refusal (gate_refusals); the rest the gate answered now. */
  fromStoredRefusals: number;
}

/** Leads waiting for the calling window in one time zone, and when it opens there. */
export interface WindowOpening {
  timezone: string;
  leads: number;
  opensAt: Date;
}

export interface CampaignDiagnosis {
  campaign: {
    id: number;
    code: string;
    name: string;
    status: CampaignStatus;
    purpose: string;
    dialMode: string;
  };
  at: Date;
  totalLeads: number;
  eligibleNow: number;
  ineligible: Partial<Record<IneligibleReason, number>>;
  /** Earliest time the window opens for leads that are only waiting for it. */
  windowOpensAt: Date | null;
  /** `ineligible` by rule with the next eligible time, most leads first. */
  waits: RuleWait[];
  /** Leads waiting for the window, per time zone, earliest opening first. */
  windowOpens: WindowOpening[];
  /** The campaign's trunk, and how many of its latest ended calls failed in a row (503s…). */
  trunk: string;
  trunkFailuresInRow: number;
  engine: EngineFacts;
  /** Plain-language reasons the campaign is not dialling, most important first. */
  problems: string[];
}

/** "Why isn't campaign X dialling?" (diagnosis/campaign-diagnosis.ts). */
export interface CampaignDoctor {
  diagnose(campaignIdOrCode: number | string, now: Date, engine?: EngineFacts): Promise<CampaignDiagnosis>;
}
