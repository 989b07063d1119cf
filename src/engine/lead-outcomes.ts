import type { Knex } from 'knex';
import { DEFAULT_RETRY_RULES, decideRetry, type RetryRules } from '../domain/campaign/retry.js';
import { leadStatusAfterRefusal } from '../domain/compliance/gate.js';
import type { AttemptResult, LeadOutcomePort } from './ports.js';

export interface LeadNextStep {
  status: 'scheduled' | 'done' | 'invalid' | 'dnc' | 'blocked';
  nextAttemptAt: Date | null;
}

/**
 * Pure: what happens to a lead after an attempt, from the campaign's retry rules
 * (domain/campaign/retry.ts) and, for attempts the gate refused, the refusal reason.
 */
export function nextLeadStep(
  r: Pick<
    AttemptResult,
    'outcome' | 'abandoned' | 'agentId' | 'nextEligibleAt' | 'gateReason' | 'contacted' | 'partial'
  >,
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
  const decision = decideRetry(
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
  if (decision.kind === 'retry') return { status: 'scheduled', nextAttemptAt: decision.at };
  return { status: decision.reason === 'invalid-number' ? 'invalid' : 'done', nextAttemptAt: null };
}

/** Writes an attempt's result to its lead (Postgres). */
export class PgLeadOutcomes implements LeadOutcomePort {
  constructor(
    private readonly db: Knex,
    private readonly maxAttempts: number,
    private readonly rules: RetryRules = DEFAULT_RETRY_RULES,
  ) {}

  async finish(result: AttemptResult, campaignId: number, at: Date): Promise<void> {
    const step = nextLeadStep(result, result.attempt, this.maxAttempts, this.rules, at);
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
  }
}
