import type { DialMode } from '../domain/campaign/dial-mode.js';

/** The campaign columns the engine reads. */
export interface CampaignRow {
  id: number;
  code: string;
  name: string;
  status: string;
  purpose: string;
  abandon_target: number;
  dial_mode: DialMode;
  caller_id_number: string | null;
  caller_id_name: string | null;
  trunk: string | null;
  max_attempts: number;
  settings: Record<string, unknown>;
}

/** Looks campaigns up by id or code (store/repositories/campaigns.ts). */
export interface CampaignCatalog {
  find(idOrCode: number | string): Promise<CampaignRow | undefined>;
}
