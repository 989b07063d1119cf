import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { WebhookEnvelope, WebhookEventType } from '../webhooks/events.js';

/**
 * The webhook outbox (`webhook_events`): events are written here — in the transaction of the
 * change they report when there is one — and a relay (webhooks/relay.ts) queues their deliveries.
 * Only event types some endpoint subscribes to are stored; with no endpoints it writes nothing.
 */
export class PgWebhookOutbox {
  private readonly wanted: ReadonlySet<WebhookEventType>;
  /** Called after each stored event, so the relay queues it at once instead of at its next poll. */
  onRecorded: () => void = () => undefined;

  constructor(
    private readonly db: Knex,
    subscribed: Iterable<WebhookEventType>,
  ) {
    this.wanted = new Set(subscribed);
  }

  wants(type: WebhookEventType): boolean {
    return this.wanted.has(type);
  }

  /**
   * Stores one event (in `trx` when given). `key` makes it idempotent: the same key twice is one
   * event (e.g. `call-ended` per call). Returns the event id, or undefined when nobody listens.
   */
  async record(
    type: WebhookEventType,
    data: object,
    o: { trx?: Knex; key?: string; at?: Date } = {},
  ): Promise<string | undefined> {
    if (!this.wanted.has(type)) return undefined;
    const id = o.key ? `${type}.${o.key.replace(/[^A-Za-z0-9_.-]/g, '_')}` : `${type}.${randomUUID()}`;
    await (o.trx ?? this.db)('webhook_events')
      .insert({ id, type, data, occurred_at: o.at ?? new Date() })
      .onConflict('id')
      .ignore();
    // In a transaction the row is not visible until commit: the relay's next poll finds it.
    this.onRecorded();
    return id;
  }
}

interface EventRow {
  id: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  occurred_at: Date;
}

const envelope = (r: EventRow): WebhookEnvelope => ({
  id: r.id,
  type: r.type,
  occurredAt: r.occurred_at.toISOString(),
  data: r.data,
});

/**
 * Hands up to `limit` not yet queued events to `queue`, then marks them queued, in one
 * transaction that skips rows another relay holds: several service instances share the outbox.
 * If `queue` throws (Redis down) nothing is marked and the events wait for the next round.
 */
export async function relayUnqueued(
  db: Knex,
  limit: number,
  queue: (events: WebhookEnvelope[]) => Promise<void>,
): Promise<number> {
  return db.transaction(async (trx) => {
    const rows = await trx('webhook_events')
      .whereNull('queued_at')
      .orderBy('occurred_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .select<EventRow[]>('id', 'type', 'data', 'occurred_at');
    if (rows.length === 0) return 0;
    await queue(rows.map(envelope));
    await trx('webhook_events')
      .whereIn(
        'id',
        rows.map((r) => r.id),
      )
      .update({ queued_at: trx.fn.now() });
    return rows.length;
  });
}

export async function webhookEvent(db: Knex, id: string): Promise<WebhookEnvelope | undefined> {
  const row = await db('webhook_events')
    .where({ id })
    .first<EventRow | undefined>('id', 'type', 'data', 'occurred_at');
  return row ? envelope(row) : undefined;
}

export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  endpoint: string;
  url: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  outcome: 'delivered' | 'retrying' | 'dead';
}

/** One delivery attempt (never the secret, the signature or the body). */
export async function recordDeliveryAttempt(db: Knex, a: DeliveryAttempt): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('webhook_deliveries').insert({
      event_id: a.eventId,
      event_type: a.eventType,
      endpoint: a.endpoint,
      url: a.url,
      attempt: a.attempt,
      status_code: a.statusCode,
      error: a.error,
      duration_ms: a.durationMs,
      outcome: a.outcome,
    });
    if (a.outcome !== 'dead') return;
    await trx('webhook_dead_letters')
      .insert({
        event_id: a.eventId,
        endpoint: a.endpoint,
        event_type: a.eventType,
        attempts: a.attempt,
        last_error: a.error ?? `HTTP ${a.statusCode ?? '?'}`,
      })
      .onConflict(['event_id', 'endpoint'])
      .merge(['attempts', 'last_error', 'failed_at', 'replayed_at']);
  });
}

export interface DeadLetter {
  eventId: string;
  endpoint: string;
  eventType: string;
  attempts: number;
  lastError: string;
  failedAt: Date;
}

/** Deliveries that gave up and were not replayed since, oldest first. */
export async function deadLetters(db: Knex): Promise<DeadLetter[]> {
  const rows = await db('webhook_dead_letters').whereNull('replayed_at').orderBy('failed_at').select<
    {
      event_id: string;
      endpoint: string;
      event_type: string;
      attempts: number;
      last_error: string;
      failed_at: Date;
    }[]
  >('event_id', 'endpoint', 'event_type', 'attempts', 'last_error', 'failed_at');
  return rows.map((r) => ({
    eventId: r.event_id,
    endpoint: r.endpoint,
    eventType: r.event_type,
    attempts: r.attempts,
    lastError: r.last_error,
    failedAt: r.failed_at,
  }));
}

export async function markReplayed(db: Knex, eventId: string, endpoint: string): Promise<void> {
  await db('webhook_dead_letters')
    .where({ event_id: eventId, endpoint })
    .update({ replayed_at: db.fn.now() });
}

/**
 * Deletes events queued before `before` (their bodies hold personal data), except those with a
 * dead letter not replayed yet, which must stay replayable. Returns how many went.
 */
export async function pruneWebhookEvents(db: Knex, before: Date): Promise<number> {
  return db('webhook_events as e')
    .whereNotNull('e.queued_at')
    .andWhere('e.queued_at', '<', before)
    .whereNotExists(
      db('webhook_dead_letters as d')
        .whereRaw('d.event_id = e.id')
        .whereNull('d.replayed_at')
        .select(db.raw('1')),
    )
    .delete();
}
