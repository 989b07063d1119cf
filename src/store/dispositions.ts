import type { Knex } from 'knex';
import { dncTypeForRequest, type CampaignPurpose } from '../domain/campaign/purpose.js';
import {
  checkDisposition,
  DispositionError,
  dispositionRequests,
  parseDisposition,
} from '../domain/disposition.js';
import type { DispositionLog } from '../ports/dispositions.js';
import type { DispositionSavedData } from '../webhooks/events.js';
import { applyDisposition } from './lead-ledger/index.js';
import { recordDncAdded } from './repositories/dnc.js';
import type { PgWebhookOutbox } from './webhook-outbox.js';
import { rulesOf, type CampaignRecord } from './repositories/campaigns.js';

interface CallContext extends Pick<
  CampaignRecord,
  'purpose' | 'dial_mode' | 'max_attempts' | 'abandon_target' | 'settings'
> {
  id: string;
  campaign_id: number;
  lead_id: number;
  phone_e164: string;
  agent_id: number | null;
}

/** Agents' dispositions in Postgres (`dispositions`), applied to the lead by the attempt ledger. */
export class PgDispositionLog implements DispositionLog {
  constructor(
    private readonly db: Knex,
    /** Webhook events (`disposition-saved`, `dnc-added`), stored in the disposition's transaction. */
    private readonly outbox?: PgWebhookOutbox,
  ) {}

  async submit(
    callId: string,
    agentId: number,
    raw: unknown,
    now: Date,
    actor = `agent:${agentId}`,
  ): Promise<{ id: number }> {
    const d = parseDisposition(raw);
    return this.db.transaction(async (trx) => {
      const call = await callContext(trx, callId);
      const extraCodes = (call.settings['dispositions'] as string[] | undefined) ?? [];
      checkDisposition(d, { id: call.id, agentId: call.agent_id, extraCodes }, agentId, now);
      const dnc = dispositionRequests(d).dnc;
      const [row] = await trx('dispositions')
        .insert({
          call_id: callId,
          agent_id: agentId,
          code: d.code,
          notes: d.notes ?? null,
          consent: d.consent,
          sale: d.sale ?? null,
          callback_at: d.callbackAt ?? null,
          dnc_requested: dnc,
          satisfaction: d.satisfaction ?? null,
        })
        .onConflict('call_id')
        .ignore()
        .returning<{ id: number }[]>('id');
      if (!row) throw new DispositionError(`call ${callId} already has a disposition`, 409);
      if (dnc) await addDncFromDisposition(trx, call, agentId, this.outbox);
      const ref = { campaignId: call.campaign_id, leadId: call.lead_id };
      await applyDisposition(trx, ref, d, agentId, now, rulesOf(call).secondConfirmation);
      await trx('audit_log').insert({
        actor,
        action: 'disposition',
        entity: 'call',
        entity_id: callId,
        // `dnc`: whether this disposition put the number on the do-not-call list (by flag or code).
        details: { code: d.code, dnc, agentId, callbackAt: d.callbackAt ?? null },
      });
      if (this.outbox?.wants('disposition-saved')) {
        await this.outbox.record('disposition-saved', await savedEvent(trx, row.id, call, d, dnc, now), {
          trx,
          key: `d${row.id}`,
          at: now,
        });
      }
      return row;
    });
  }
}

/** The call and its campaign, as a disposition needs them. */
async function callContext(trx: Knex.Transaction, callId: string): Promise<CallContext> {
  const call = await trx('calls as c')
    .join('campaigns as k', 'k.id', 'c.campaign_id')
    .where('c.id', callId)
    .first<CallContext | undefined>(
      'c.id',
      'c.campaign_id',
      'c.lead_id',
      'c.phone_e164',
      'c.agent_id',
      'k.purpose',
      'k.dial_mode',
      'k.max_attempts',
      'k.abandon_target',
      'k.settings',
    );
  if (!call) throw new DispositionError(`call ${callId} does not exist`, 404);
  return call;
}

async function savedEvent(
  trx: Knex.Transaction,
  dispositionId: number,
  call: CallContext,
  d: ReturnType<typeof parseDisposition>,
  dnc: boolean,
  now: Date,
): Promise<DispositionSavedData> {
  const agent = await trx('agents as a')
    .join('dispositions as d', 'd.agent_id', 'a.id')
    .where('d.id', dispositionId)
    .first<{ username: string } | undefined>('a.username');
  return {
    dispositionId,
    callId: call.id,
    campaignId: call.campaign_id,
    leadId: call.lead_id,
    agent: agent?.username ?? null,
    code: d.code,
    dncRequested: dnc,
    callbackAt: d.callbackAt ? new Date(d.callbackAt).toISOString() : null,
    savedAt: now.toISOString(),
  };
}

/** The customer asked not to be called: a DNC entry of the campaign purpose's type. */
async function addDncFromDisposition(
  trx: Knex.Transaction,
  call: CallContext,
  agentId: number,
  outbox: PgWebhookOutbox | undefined,
): Promise<void> {
  const type = dncTypeForRequest(call.purpose as CampaignPurpose);
  const reason = 'customer asked during a call';
  const inserted = await trx('dnc_entries')
    .insert({
      phone_e164: call.phone_e164,
      type,
      reason,
      source: 'agent',
      added_by: agentId,
      call_id: call.id,
    })
    .onConflict(['phone_e164', 'type'])
    .ignore()
    .returning('id');
  if (inserted.length === 0) return;
  await recordDncAdded(
    trx,
    { phone: call.phone_e164, type, source: 'agent', reason, actor: `agent:${agentId}`, callId: call.id },
    outbox,
  );
}
