import type { Knex } from 'knex';
import type { AttemptResult, ClaimedAttempt, DialAttempt, GateRefusal } from '../../domain/attempt.js';
import type { LeadEvent, LeadRules } from '../../domain/lead/lifecycle.js';
import type { Logger } from '../../logger.js';
import type { AttemptLedger } from '../../ports/attempt-ledger.js';
import { retryWhileUnreachable } from '../retry-writes.js';
import { claimLeads, strandedAttempts } from './claim.js';
import { insertRefusal, refusalRow } from './refusals.js';
import { applyLeadEvent, type LeadRef, type TransitionContext } from './transition.js';

interface DispositionFacts {
  code: string;
  callback_at: Date | null;
  dnc_requested: boolean;
}

/** The attempt ledger of one campaign on Postgres: the only writer of its leads and callbacks. */
export class PgAttemptLedger implements AttemptLedger {
  constructor(
    private readonly db: Knex,
    private readonly campaignId: number,
    private readonly rules: LeadRules,
    private readonly logger?: Logger,
  ) {}

  claim(limit: number, now: Date): Promise<ClaimedAttempt[]> {
    return claimLeads(this.db, this.campaignId, limit, now);
  }

  stranded(olderThan: Date, inFlight: ReadonlySet<string>): Promise<ClaimedAttempt[]> {
    return strandedAttempts(this.db, this.campaignId, olderThan, inFlight);
  }

  /**
   * The refusal is kept as a fact (`gate_refusals`) in the transaction that moves the lead on,
   * so there is no lead refused without its row, nor a row for an attempt already settled.
   */
  async refused(attempt: DialAttempt, refusal: GateRefusal, at: Date): Promise<void> {
    const event: LeadEvent = {
      type: 'refused-by-gate',
      at,
      reason: refusal.reason,
      nextEligibleAt: refusal.nextEligibleAt,
    };
    await this.db.transaction(async (trx) => {
      if (await this.apply(attempt, event, {}, trx)) {
        await insertRefusal(trx, refusalRow({ ...attempt, campaignId: this.campaignId }, refusal, at));
      }
    });
  }

  async returned(attempts: readonly DialAttempt[], at: Date, nextAt?: Date): Promise<void> {
    for (const a of attempts) await this.apply(a, { type: 'returned', at, nextAt });
  }

  async ended(result: AttemptResult, at: Date, how: 'finished' | 'orphaned'): Promise<void> {
    // Another hand-off has this attempt's call row: that one ends it.
    if (result.outcome === 'not-dialled') return;
    // Retried while Postgres is unreachable (the transaction is rolled back and run again).
    await retryWhileUnreachable(() => this.endedOnce(result, at, how), {
      logger: this.logger,
      what: `attempt end ${result.callId}`,
    });
  }

  private async endedOnce(result: AttemptResult, at: Date, how: 'finished' | 'orphaned'): Promise<void> {
    const outcome = result.outcome;
    if (outcome === 'not-dialled') return;
    await this.db.transaction(async (trx) => {
      const call = await trx('calls')
        .where({ id: result.callId })
        .first<{ reserved_at: Date } | undefined>('reserved_at');
      const ctx: TransitionContext = { callId: result.callId, callReservedAt: call?.reserved_at };
      const event: LeadEvent = { type: how, at, result: { ...result, outcome }, rules: this.rules };
      const done = await this.apply(result, event, ctx, trx);
      if (!done) return;
      // A disposition given while the call was still up is applied now that it has ended.
      const d = await trx('dispositions')
        .where({ call_id: result.callId })
        .first<DispositionFacts | undefined>('code', 'callback_at', 'dnc_requested');
      if (d) {
        await this.apply({ leadId: result.leadId }, disposedEvent(d, at), {}, trx);
      }
    });
  }

  /** Applies one event; false (and a warning) when the lifecycle or the attempt number refuses it. */
  private async apply(
    target: { leadId: number; attempt?: number },
    event: LeadEvent,
    ctx: TransitionContext = {},
    db: Knex = this.db,
  ): Promise<boolean> {
    const ref: LeadRef = { leadId: target.leadId, campaignId: this.campaignId, attempt: target.attempt };
    const r = await applyLeadEvent(db, ref, event, ctx);
    if ('skipped' in r) {
      this.logger?.warn(
        { leadId: target.leadId, event: event.type, why: r.skipped },
        'lead event not applied',
      );
      return false;
    }
    return true;
  }
}

function disposedEvent(d: DispositionFacts, at: Date): LeadEvent {
  const dnc = d.dnc_requested || d.code === 'do-not-call';
  return { type: 'disposed', at, dnc, wrongParty: !dnc && d.code === 'wrong-party' && !d.callback_at };
}
