import type { Knex } from 'knex';
import {
  scheduleSecondConfirmation,
  type SecondConfirmationPolicy,
} from '../../domain/campaign/second-confirmation.js';
import { DispositionError, dispositionRequests, type Disposition } from '../../domain/disposition.js';
import { insertScheduledCall } from './scheduled-calls.js';
import { applyLeadEvent, type LeadRef } from './transition.js';

/**
 * What an agent's disposition does to the lead, inside the disposition's transaction: `disposed`
 * (a DNC request ends the lead at once; a wrong party is tried again another day), then the
 * callback the customer asked for and, for a sale on a trial product, the second confirmation
 * by the campaign's policy — each a `callbacks` row and its event (`callback-scheduled`,
 * `confirmation-scheduled`). While the call is still up the lead stays `dialling`; the call's end
 * applies them (PgAttemptLedger.ended).
 */
export async function applyDisposition(
  trx: Knex.Transaction,
  call: { campaignId: number; leadId: number },
  d: Disposition,
  agentId: number,
  now: Date,
  policy: SecondConfirmationPolicy,
): Promise<void> {
  const ref = { leadId: call.leadId, campaignId: call.campaignId };
  const asks = dispositionRequests(d);
  await applyLeadEvent(trx, ref, { type: 'disposed', at: now, dnc: asks.dnc, wrongParty: asks.wrongParty });
  if (asks.callbackAt) {
    await insertScheduledCall(trx, {
      ...ref,
      kind: 'callback',
      dueAt: asks.callbackAt,
      agentId: d.callbackOwner === 'agent' ? agentId : null,
      createdBy: agentId,
    });
    await scheduled(trx, ref, { type: 'callback-scheduled', at: now, dueAt: asks.callbackAt });
  }
  if (asks.trialEndsAt) {
    const s = scheduleSecondConfirmation(asks.trialEndsAt, now, policy);
    await insertScheduledCall(trx, {
      ...ref,
      kind: 'second-confirmation',
      dueAt: s.dueAt,
      trialEndsAt: s.trialEndsAt,
      createdBy: agentId,
    });
    await scheduled(trx, ref, { type: 'confirmation-scheduled', at: now, dueAt: s.dueAt });
  }
}

/** A scheduled call on a lead that has ended (DNC, invalid, blocked) is refused, not stored. */
async function scheduled(
  trx: Knex.Transaction,
  ref: LeadRef,
  event: { type: 'callback-scheduled' | 'confirmation-scheduled'; at: Date; dueAt: Date },
): Promise<void> {
  const r = await applyLeadEvent(trx, ref, event);
  if ('skipped' in r) throw new DispositionError(`the call cannot be scheduled: ${r.skipped}`, 409);
}
