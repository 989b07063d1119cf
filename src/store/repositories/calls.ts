import type { Knex } from 'knex';
import type { CallOutcome } from '../../domain/call-outcome.js';
import type { PacerObservation } from '../../pacing/types.js';
import type { CallHistory, CallLog, CallPatch, NewCallRow, OpenCall } from '../../ports/call-log.js';
import { loadPacerHistory } from '../pacer-history.js';
import { retryWhileUnreachable } from '../retry-writes.js';
import type { Logger } from '../../logger.js';
import { PROCESS_GONE_AFTER_MS, processGone } from '../process-heartbeat.js';
import { recordCallEnded } from '../call-ended-event.js';
import type { PgWebhookOutbox } from '../webhook-outbox.js';

export type { CallPatch, NewCallRow } from '../../ports/call-log.js';

/** The `calls` table: one row per dial attempt, written as the call goes. */
export class CallRepository implements CallLog, CallHistory {
  constructor(
    private readonly db: Knex,
    private readonly logger?: Logger,
    /** This process (written into each row it reserves; `dialler_processes`). */
    private readonly owner?: string,
    /** `call-ended` webhook events; a failure to store one is logged, never fails the call. */
    private readonly outbox?: PgWebhookOutbox,
  ) {}

  /**
   * Inserts the row of a dial attempt before anything is dialled. Returns false when the
   * attempt already has a row: someone else has it, so it must not be dialled again.
   */
  async reserve(row: NewCallRow): Promise<boolean> {
    const inserted = await this.db('calls')
      .insert({ ...row, owner: this.owner ?? null })
      .onConflict()
      .ignore()
      .returning('id');
    return inserted.length === 1;
  }

  /** Retried while Postgres is unreachable: a call's progress and end are not lost to an outage. */
  async update(id: string, patch: CallPatch): Promise<void> {
    await retryWhileUnreachable(() => this.db('calls').where({ id }).update(patch), {
      logger: this.logger,
      what: `call ${id}`,
    });
    if (patch.ended_at) await this.ended(id);
  }

  private async ended(id: string): Promise<void> {
    if (!this.outbox) return;
    await recordCallEnded(this.db, this.outbox, id).catch((err: unknown) =>
      this.logger?.warn({ err, callId: id }, 'the call-ended webhook event was not stored'),
    );
  }

  /** Open rows, each with the live process that owns it when that is not this one. */
  async open(campaignId: number): Promise<OpenCall[]> {
    const fresh = this.db.raw(`p.seen_at > now() - ?::interval`, [`${PROCESS_GONE_AFTER_MS} milliseconds`]);
    const rows = await this.db('calls as c')
      .where({ 'c.campaign_id': campaignId })
      .whereNull('c.ended_at')
      .leftJoin('dialler_processes as p', (j) => void j.on('p.owner', '=', 'c.owner').andOn(fresh))
      .select<
        {
          id: string;
          lead_id: number;
          attempt: number;
          answered_at: Date | null;
          bridged_at: Date | null;
          agent_id: number | null;
          live_owner: string | null;
        }[]
      >(
        'c.id',
        'c.lead_id',
        'c.attempt',
        'c.answered_at',
        'c.bridged_at',
        'c.agent_id',
        'p.owner as live_owner',
      );
    return rows.map((r) => ({
      id: r.id,
      leadId: r.lead_id,
      attempt: r.attempt,
      answeredAt: r.answered_at,
      bridgedAt: r.bridged_at,
      agentId: r.agent_id,
      liveOwner:
        r.live_owner && r.live_owner !== this.owner && !processGone(r.live_owner) ? r.live_owner : undefined,
    }));
  }

  async endLost(id: string, outcome: CallOutcome, at: Date, failure: string): Promise<boolean> {
    const n = await retryWhileUnreachable(
      () => this.db('calls').where({ id }).whereNull('ended_at').update({ ended_at: at, outcome, failure }),
      { logger: this.logger, what: `call ${id}` },
    );
    if (n === 1) await this.ended(id);
    return n === 1;
  }

  async liveAnswers(campaignId: number, since: Date): Promise<{ at: Date; abandoned: boolean }[]> {
    const rows = await this.db('calls')
      .where({ campaign_id: campaignId })
      .whereNotNull('answered_at')
      .andWhere('answered_at', '>=', since)
      .andWhereRaw(`coalesce(outcome, '') <> 'machine'`)
      .orderBy('answered_at')
      .select<{ answered_at: Date; abandoned: boolean }[]>('answered_at', 'abandoned');
    return rows.map((r) => ({ at: r.answered_at, abandoned: r.abandoned }));
  }

  pacerObservations(
    campaignId: number,
    options: { since: Date; limit: number; wrapSeconds: number },
  ): Promise<PacerObservation[]> {
    return loadPacerHistory(this.db, campaignId, options);
  }
}
