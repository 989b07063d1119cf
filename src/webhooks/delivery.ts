import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import { recordDeliveryAttempt, webhookEvent, type DeliveryAttempt } from '../store/webhook-outbox.js';
import type { WebhookEnvelope } from './events.js';
import { WEBHOOK_QUEUE, type DeliveryJob } from './relay.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

export interface DeliveryEndpoint {
  name: string;
  url: string;
  secret: string;
}

export interface DeliveryOptions {
  db: Knex;
  redis: Redis;
  prefix: string;
  endpoints: readonly DeliveryEndpoint[];
  timeoutMs: number;
  logger: Logger;
  /** Deliveries in flight at once [4]. */
  concurrency?: number;
  now?: () => number;
}

/** Statuses worth retrying: the receiver is down, overloaded or slow. Other 4xx are final. */
const RETRYABLE = (status: number) => status >= 500 || status === 408 || status === 425 || status === 429;

/**
 * Delivers queued webhook events: POSTs the event as JSON, signed (`dialer-signature`), with a
 * timeout and without following redirects; records every attempt; throws on failure so BullMQ
 * retries with backoff. The last attempt, or a final answer (e.g. 400, 401, 410), marks the
 * delivery dead and keeps a dead letter for replay.
 */
export class WebhookDelivery {
  private readonly worker: Worker<DeliveryJob>;
  private readonly connection: Redis;
  private readonly endpoints: ReadonlyMap<string, DeliveryEndpoint>;

  constructor(private readonly o: DeliveryOptions) {
    this.endpoints = new Map(o.endpoints.map((e) => [e.name, e]));
    // A Worker blocks on its connection: it gets its own, which close() quits.
    this.connection = o.redis.duplicate();
    this.worker = new Worker<DeliveryJob>(WEBHOOK_QUEUE, (job) => this.deliver(job), {
      connection: this.connection,
      prefix: o.prefix,
      concurrency: o.concurrency ?? 4,
    });
    this.worker.on('error', (err) => o.logger.warn({ err: err.message }, 'webhook worker error'));
  }

  private async deliver(job: Job<DeliveryJob>): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const last = attempt >= (job.opts.attempts ?? 1);
    const endpoint = this.endpoints.get(job.data.endpoint);
    const event = await webhookEvent(this.o.db, job.data.eventId);
    const base = {
      eventId: job.data.eventId,
      eventType: job.data.type,
      endpoint: job.data.endpoint,
      url: endpoint?.url ?? '(not configured)',
      attempt,
    };
    if (!endpoint || !event) {
      const error = !endpoint ? 'the endpoint is no longer configured' : 'the event is not in the outbox';
      await this.record({ ...base, statusCode: null, error, durationMs: 0, outcome: 'dead' });
      throw new UnrecoverableError(error);
    }
    const started = performance.now();
    const { status, error } = await this.post(endpoint, event, attempt);
    const durationMs = Math.round(performance.now() - started);
    if (status !== null && status >= 200 && status < 300) {
      await this.record({ ...base, statusCode: status, error: null, durationMs, outcome: 'delivered' });
      return;
    }
    const final = last || (status !== null && !RETRYABLE(status));
    const message = error ?? `HTTP ${status ?? '?'}`;
    await this.record({
      ...base,
      statusCode: status,
      error: message,
      durationMs,
      outcome: final ? 'dead' : 'retrying',
    });
    throw final ? new UnrecoverableError(message) : new Error(message);
  }

  private async post(
    endpoint: DeliveryEndpoint,
    event: WebhookEnvelope,
    attempt: number,
  ): Promise<{ status: number | null; error: string | null }> {
    const body = JSON.stringify(event);
    const nowSec = Math.floor((this.o.now?.() ?? Date.now()) / 1000);
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'dialer-webhooks/1',
          'dialer-event': event.type,
          'dialer-event-id': event.id,
          'dialer-delivery-attempt': String(attempt),
          [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, nowSec, body),
        },
      });
      await res.body?.cancel();
      return {
        status: res.status,
        error: res.status >= 300 && res.status < 400 ? `redirect (HTTP ${res.status}) not followed` : null,
      };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const error =
        e.name === 'TimeoutError' ? `no answer within ${this.o.timeoutMs} ms` : (e.cause?.code ?? e.message);
      return { status: null, error };
    }
  }

  private async record(a: DeliveryAttempt): Promise<void> {
    const log = {
      event: a.eventId,
      endpoint: a.endpoint,
      attempt: a.attempt,
      status: a.statusCode,
      ms: a.durationMs,
    };
    if (a.outcome === 'delivered') this.o.logger.info(log, 'webhook delivered');
    else this.o.logger.warn({ ...log, error: a.error, outcome: a.outcome }, 'webhook delivery failed');
    await recordDeliveryAttempt(this.o.db, a);
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.connection.quit();
  }
}
