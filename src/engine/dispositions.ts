import type { Knex } from 'knex';
import { z } from 'zod';
import { dncTypeForRequest, type CampaignPurpose } from '../domain/campaign/purpose.js';

/** Codes every campaign understands; a campaign may add its own in settings.dispositions. */
export const BASE_DISPOSITIONS = [
  'sale',
  'appointment',
  'completed',
  'not-interested',
  'callback',
  'wrong-party',
  'do-not-call',
  'no-decision-maker',
  'complaint',
] as const;

export const dispositionInput = z
  .object({
    code: z.string().min(1).max(40),
    notes: z.string().max(4000).optional(),
    /** Two-step verbal confirmation and the other scripted checks the agent ticked. */
    consent: z
      .object({
        rightParty: z.boolean().optional(),
        understood: z.boolean().optional(),
        scriptFollowed: z.boolean().optional(),
        firstConfirmation: z.boolean().optional(),
        secondConfirmation: z.boolean().optional(),
        restated: z.boolean().optional(),
      })
      .strict()
      .default({}),
    callbackAt: z.coerce.date().optional(),
    callbackOwner: z.enum(['agent', 'anyone']).default('anyone'),
    dncRequested: z.boolean().default(false),
    sale: z.record(z.string(), z.unknown()).optional(),
    /** Trial-period product: when the trial ends, so the second-confirmation call is scheduled. */
    trialEndsAt: z.coerce.date().optional(),
    satisfaction: z.number().int().min(1).max(5).optional(),
  })
  .strict();

export type DispositionInput = z.input<typeof dispositionInput>;

export class DispositionError extends Error {
  override readonly name = 'DispositionError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
  }
}

interface CallContext {
  id: string;
  campaign_id: number;
  lead_id: number;
  phone_e164: string;
  agent_id: number | null;
  purpose: CampaignPurpose;
  settings: { dispositions?: string[] };
}

/**
 * Stores an agent's disposition of a call and applies it, atomically: the lead's next step,
 * a DNC entry when asked, a callback or second-confirmation call, and an audit record.
 * A sale without both confirmations is refused — it would not be a valid sale (standard 4).
 */
export async function submitDisposition(
  db: Knex,
  callId: string,
  agentId: number,
  raw: unknown,
  now: Date,
): Promise<{ id: number }> {
  const parsed = dispositionInput.safeParse(raw);
  if (!parsed.success) {
    throw new DispositionError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
      400,
    );
  }
  const d = parsed.data;
  return db.transaction(async (trx) => {
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
        'k.settings',
      );
    if (!call) throw new DispositionError(`call ${callId} does not exist`, 404);
    if (call.agent_id !== agentId)
      throw new DispositionError(`call ${callId} was not taken by this agent`, 409);
    const allowed = new Set<string>([...BASE_DISPOSITIONS, ...(call.settings.dispositions ?? [])]);
    if (!allowed.has(d.code))
      throw new DispositionError(`code: "${d.code}" is not in this campaign's dispositions`, 400);
    if (d.code === 'sale' && !(d.consent.firstConfirmation && d.consent.secondConfirmation)) {
      throw new DispositionError('consent: a sale needs both confirmations (two-step verbal consent)', 400);
    }
    if (d.code === 'callback' && !d.callbackAt)
      throw new DispositionError('callbackAt: required for a callback', 400);
    const [row] = await trx('dispositions')
      .insert({
        call_id: callId,
        agent_id: agentId,
        code: d.code,
        notes: d.notes ?? null,
        consent: d.consent,
        sale: d.sale ?? null,
        callback_at: d.callbackAt ?? null,
        dnc_requested: d.dncRequested || d.code === 'do-not-call',
        satisfaction: d.satisfaction ?? null,
      })
      .onConflict('call_id')
      .ignore()
      .returning<{ id: number }[]>('id');
    if (!row) throw new DispositionError(`call ${callId} already has a disposition`, 409);
    await applyToLead(trx, call, d, agentId, now);
    await trx('audit_log').insert({
      actor: `agent:${agentId}`,
      action: 'disposition',
      entity: 'call',
      entity_id: callId,
      details: { code: d.code, dnc: d.dncRequested, callbackAt: d.callbackAt ?? null },
    });
    return row;
  });
}

async function applyToLead(
  trx: Knex.Transaction,
  call: CallContext,
  d: z.output<typeof dispositionInput>,
  agentId: number,
  now: Date,
): Promise<void> {
  if (d.dncRequested || d.code === 'do-not-call') {
    await trx('dnc_entries')
      .insert({
        phone_e164: call.phone_e164,
        type: dncTypeForRequest(call.purpose),
        reason: 'customer asked during a call',
        source: 'agent',
        added_by: agentId,
        call_id: call.id,
      })
      .onConflict(['phone_e164', 'type'])
      .ignore();
    await trx('leads')
      .where({ id: call.lead_id })
      .update({ status: 'dnc', next_attempt_at: null, updated_at: now });
    return;
  }
  if (d.callbackAt) {
    await trx('callbacks').insert({
      campaign_id: call.campaign_id,
      lead_id: call.lead_id,
      kind: 'callback',
      due_at: d.callbackAt,
      agent_id: d.callbackOwner === 'agent' ? agentId : null,
      created_by: agentId,
    });
    await trx('leads')
      .where({ id: call.lead_id })
      .update({ status: 'callback', next_attempt_at: d.callbackAt, updated_at: now });
  }
  if (d.code === 'sale' && d.trialEndsAt) {
    // Second confirmation before charging: two days before the trial ends.
    const due = new Date(Math.max(now.getTime(), d.trialEndsAt.getTime() - 2 * 86_400_000));
    await trx('callbacks').insert({
      campaign_id: call.campaign_id,
      lead_id: call.lead_id,
      kind: 'second-confirmation',
      due_at: due,
      trial_ends_at: d.trialEndsAt,
      created_by: agentId,
    });
  }
  if (d.code === 'wrong-party' && !d.callbackAt) {
    await trx('leads')
      .where({ id: call.lead_id })
      .update({
        status: 'scheduled',
        next_attempt_at: new Date(now.getTime() + 86_400_000),
        updated_at: now,
      });
  }
}
