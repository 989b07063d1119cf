import type { Knex } from 'knex';
import { callbackStep, type CallbackStep, type PendingCallback } from '../domain/campaign/callback-step.js';
import {
  DEFAULT_RETRY_RULES,
  decideRetry,
  type RetryDecision,
  type RetryRules,
} from '../domain/campaign/retry.js';
import { leadStatusAfterRefusal } from '../domain/compliance/gate.js';
import { completeCallback, secondConfirmationUnreached } from '../store/repositories/callbacks.js';
import type { AttemptResult, LeadOutcomePort } from './ports.js';

export interface LeadNextStep {
  status: 'scheduled' | 'done' | 'invalid' | 'dnc' | 'blocked';
  nextAttemptAt: Date | null;
}

/**
 * Pure: what happens to a lead after an attempt, from the campaign's retry rules
 * (domain/campaign/retry.ts) and, for attempts the gate refused, the refusal reason.
 */
type OutcomeFacts = Pick<
  AttemptResult,
  'outcome' | 'abandoned' | 'agentId' | 'nextEligibleAt' | 'gateReason' | 'contacted' | 'partial'
>;

/** An agent talked to the customer, or an agentless script was heard to the end. */
function reached(r: OutcomeFacts): boolean {
  return (r.agentId !== undefined || r.contacted === true) && !r.abandoned;
}

function retryDecision(r: OutcomeFacts, attempts: number, maxAttempts: number, rules: RetryRules, at: Date) {
  if (r.outcome === 'not-dialled') return undefined;
  return decideRetry(
    {
      outcome: r.outcome,
      abandoned: r.abandoned,
      contacted: r.agentId !== undefined || r.contacted === true,
      partial: r.partial === true,
      attempts,
      at,
    },
    rules,
    maxAttempts,
  );
}

export function nextLeadStep(
  r: OutcomeFacts,
  attempts: number,
  maxAttempts: number,
  rules: RetryRules,
  at: Date,
): LeadNextStep {
  if (r.outcome === 'not-dialled') {
    const final = r.gateReason ? leadStatusAfterRefusal(r.gateReason) : null;
    if (final) return { status: final, nextAttemptAt: null };
    return { status: 'scheduled', nextAttemptAt: r.nextEligibleAt ?? new Date(at.getTime() + 60_000) };
  }
  const decision = retryDecision(r, attempts, maxAttempts, rules, at) as RetryDecision;
  if (decision.kind === 'retry') return { status: 'scheduled', nextAttemptAt: decision.at };
  return { status: decision.reason === 'invalid-number' ? 'invalid' : 'done', nextAttemptAt: null };
}

/**
 * Pure: the lead's next step when the attempt was for a due callback or second confirmation.
 * While the scheduled call lives (retried or kept), the lead stays `callback` — first in the
 * hopper, owner kept; once it is complete, missed or unreached the ordinary step applies (and for
 * an unreached second confirmation the repository schedules the extension afterwards).
 */
export function nextLeadStepWithCallback(
  r: OutcomeFacts,
  cb: PendingCallback,
  attempts: number,
  maxAttempts: number,
  rules: RetryRules,
  at: Date,
): { lead: LeadNextStep | { status: 'callback'; nextAttemptAt: Date }; callback: CallbackStep } {
  const ordinary = nextLeadStep(r, attempts, maxAttempts, rules, at);
  const decision = retryDecision(r, attempts, maxAttempts, rules, at) ?? {
    kind: 'done',
    reason: 'no-retry-rule',
  };
  const step = callbackStep(
    cb,
    { dialled: r.outcome !== 'not-dialled', reached: reached(r), nextEligibleAt: r.nextEligibleAt },
    decision,
    at,
  );
  if ((step.kind === 'retry' || step.kind === 'keep') && ordinary.status === 'scheduled') {
    return { lead: { status: 'callback', nextAttemptAt: step.at }, callback: step };
  }
  // A refusal that ends the lead (DNC, blacklist) ends its scheduled call with it.
  if (step.kind === 'keep') return { lead: ordinary, callback: { kind: 'missed' } };
  return { lead: ordinary, callback: step };
}

/** Writes an attempt's result to its lead (Postgres). */
export class PgLeadOutcomes implements LeadOutcomePort {
  constructor(
    private readonly db: Knex,
    private readonly maxAttempts: number,
    private readonly rules: RetryRules = DEFAULT_RETRY_RULES,
  ) {}

  async finish(result: AttemptResult, campaignId: number, at: Date): Promise<void> {
    const cb = await this.dueCallback(result.leadId, at);
    const withCallback =
      cb && nextLeadStepWithCallback(result, cb, result.attempt, this.maxAttempts, this.rules, at);
    const step = withCallback?.lead ?? nextLeadStep(result, result.attempt, this.maxAttempts, this.rules, at);
    const patch: Record<string, unknown> = {
      status: step.status,
      next_attempt_at: step.nextAttemptAt,
      updated_at: at,
    };
    if (result.outcome === 'not-dialled') {
      // The attempt was never made: give its number back.
      patch['attempts'] = this.db.raw('greatest(attempts - 1, 0)');
    } else {
      patch['last_attempt_at'] = at;
      patch['last_outcome'] = result.abandoned ? 'abandoned' : result.outcome;
      if (result.abandoned) patch['last_abandoned_at'] = at;
      const contacted = result.agentId !== undefined || result.contacted === true;
      // A completed agentless survey is a contact too: the frequency cap counts it.
      if (contacted && !result.abandoned) patch['last_contact_at'] = at;
    }
    await this.db('leads').where({ id: result.leadId, campaign_id: campaignId }).update(patch);
    if (cb && withCallback) await this.applyCallbackStep(cb, withCallback.callback, result, campaignId, at);
  }

  /** The lead's earliest pending scheduled call that was due when this attempt was made. */
  private async dueCallback(
    leadId: number,
    at: Date,
  ): Promise<(PendingCallback & { id: number }) | undefined> {
    const row = await this.db('callbacks')
      .where({ lead_id: leadId, status: 'pending' })
      .andWhere('due_at', '<=', at)
      .orderBy('due_at')
      .first<
        { id: number; kind: PendingCallback['kind']; due_at: Date; trial_ends_at: Date | null } | undefined
      >('id', 'kind', 'due_at', 'trial_ends_at');
    return row && { id: row.id, kind: row.kind, dueAt: row.due_at, trialEndsAt: row.trial_ends_at };
  }

  private async applyCallbackStep(
    cb: { id: number },
    step: CallbackStep,
    result: AttemptResult,
    campaignId: number,
    at: Date,
  ): Promise<void> {
    if (step.kind === 'complete') return completeCallback(this.db, cb.id, result.callId, at);
    if (step.kind === 'missed') {
      await this.db('callbacks')
        .where({ id: cb.id, status: 'pending' })
        .update({ status: 'missed', done_at: at });
      return;
    }
    if (step.kind !== 'unreached') return;
    // Extend the trial once and schedule the call again (the lead becomes `callback` again), or,
    // after the one extension, record that the product must not be charged.
    const r = await secondConfirmationUnreached(this.db, cb.id, at);
    if ('missed' in r) {
      // Nothing left to confirm: the lead is not dialled again for this product.
      await this.db('leads')
        .where({ id: result.leadId, campaign_id: campaignId })
        .update({ status: 'done', next_attempt_at: null, updated_at: at });
    }
    await this.db('audit_log').insert({
      actor: 'dialer',
      action: 'missed' in r ? 'second-confirmation-missed' : 'second-confirmation-extended',
      entity: 'lead',
      entity_id: String(result.leadId),
      details:
        'missed' in r
          ? { campaignId, callbackId: cb.id, chargeAllowed: false }
          : { campaignId, callbackId: cb.id, trialEndsAt: r.extendedTo, next: r.callbackId },
    });
  }
}
