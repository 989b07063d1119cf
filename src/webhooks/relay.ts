import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import { pruneWebhookEvents, relayUnqueued, type PgWebhookOutbox } from '../store/webhook-outbox.js';
import type { WebhookEnvelope, WebhookEventType } from './events.js';

export const WEBHOOK_QUEUE = 'webhooks';

/** One BullMQ job: deliver one stored event to one endpoint (the body is read from Postgres). */
export interface DeliveryJob {
  eventId: string;
  type: WebhookEventType;
  endpoint: string;
}

export interface RelayOptions {
  db: Knex;
  redis: Redis;
  prefix: string;
  outbox: PgWebhookOutbox;
  endpoints: readonly { name: string; events: readonly WebhookEventType[] }[];
  attempts: number;
  backoffMs: number;
  logger: Logger;
  /** How often the outbox is swept for events not yet queued [1000 ms]. */
  pollMs?: number;
  /** Delivered events older than this are deleted, hourly [30]. */
  retentionDays?: number;
}

/** Job id of a delivery: the same event to the same endpoint is queued once (BullMQ ids have no `:`). */
export const deliveryJobId = (eventId: string, endpoint: string) =>
  `${eventId}.${endpoint}`.replace(/:/g, '_');

/**
 * Moves events from the outbox to the delivery queue: one job per subscribed endpoint, with
 * the endpoint's retry policy (exponential backoff with 20 % jitter). Runs on a timer and when
 * the outbox says an event was stored; a Redis outage just leaves events in the outbox.
 */
export class WebhookRelay {
  readonly queue: Queue<DeliveryJob>;
  private timer: NodeJS.Timeout | undefined;
  private pruner: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly o: RelayOptions) {
    this.queue = new Queue<DeliveryJob>(WEBHOOK_QUEUE, { connection: o.redis, prefix: o.prefix });
    o.outbox.onRecorded = () => this.kick();
  }

  start(): void {
    this.timer ??= setInterval(() => this.kick(), this.o.pollMs ?? 1000);
    this.timer.unref();
    this.pruner ??= setInterval(() => void this.prune(), 3_600_000);
    this.pruner.unref();
    this.kick();
    void this.prune();
  }

  /** Deletes delivered events past the retention (dead letters stay replayable). */
  async prune(now = Date.now()): Promise<number> {
    const before = new Date(now - (this.o.retentionDays ?? 30) * 86_400_000);
    try {
      return await pruneWebhookEvents(this.o.db, before);
    } catch (err) {
      this.o.logger.warn({ err }, 'webhook relay: pruning old events failed');
      return 0;
    }
  }

  /** Sweeps the outbox now (coalesced: one sweep at a time, one more if kicked meanwhile). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sweep()
      .catch((err: unknown) => this.o.logger.warn({ err }, 'webhook relay: events stay in the outbox'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once no sweep is running (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async sweep(): Promise<void> {
    while ((await relayUnqueued(this.o.db, 100, (events) => this.enqueue(events))) === 100);
  }

  private async enqueue(events: WebhookEnvelope[]): Promise<void> {
    const jobs = events.flatMap((e) =>
      this.o.endpoints
        .filter((ep) => ep.events.includes(e.type))
        .map((ep) =>
          this.job({ eventId: e.id, type: e.type, endpoint: ep.name }, deliveryJobId(e.id, ep.name)),
        ),
    );
    if (jobs.length > 0) await this.queue.addBulk(jobs);
  }

  private job(data: DeliveryJob, jobId: string) {
    return {
      name: data.type,
      data,
      opts: {
        jobId,
        attempts: this.o.attempts,
        backoff: { type: 'exponential', delay: this.o.backoffMs, jitter: 0.2 },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    };
  }

  /** Queues a dead-lettered delivery again, with a fresh set of attempts. */
  async replay(eventId: string, type: WebhookEventType, endpoint: string): Promise<void> {
    await this.queue.add(
      type,
      { eventId, type, endpoint },
      this.job({ eventId, type, endpoint }, `${deliveryJobId(eventId, endpoint)}.r${Date.now()}`).opts,
    );
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pruner) clearInterval(this.pruner);
    this.timer = this.pruner = undefined;
    await this.idle();
    await this.queue.close();
  }
}
