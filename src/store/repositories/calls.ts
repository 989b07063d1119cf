import type { Knex } from 'knex';
import type { CallOutcome } from '../../domain/call-outcome.js';

export interface NewCallRow {
  id: string;
  campaign_id: number;
  lead_id: number;
  attempt: number;
  phone_e164: string;
  trunk: string;
  pbx_node: string;
  caller_id?: string | null;
  agent_id?: number | null;
}

export interface CallPatch {
  originated_at?: Date;
  ringing_at?: Date;
  answered_at?: Date;
  amd_at?: Date;
  bridged_at?: Date;
  ended_at?: Date;
  outcome?: CallOutcome;
  hangup_cause?: number;
  hangup_cause_text?: string;
  sip_status?: number | null;
  amd_result?: string;
  amd_detail?: string;
  agent_id?: number | null;
  abandoned?: boolean;
  id_message_at?: Date;
  failure?: string;
}

export class CallRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Inserts the row of a dial attempt before anything is dialled. Returns false when the
   * attempt already has a row: someone else has it, so it must not be dialled again.
   */
  async reserve(row: NewCallRow): Promise<boolean> {
    const inserted = await this.db('calls').insert(row).onConflict().ignore().returning('id');
    return inserted.length === 1;
  }

  async update(id: string, patch: CallPatch): Promise<void> {
    await this.db('calls').where({ id }).update(patch);
  }
}
