import type { Logger } from '../logger.js';

/** What a protocol client (AMI, ESL) must offer to be kept connected. */
export interface SessionClient {
  open(): Promise<void>;
  close(): void;
  removeAllListeners(): unknown;
  on(event: 'closed', listener: (detail: string) => void): unknown;
}

export interface SessionOptions<C> {
  /** For log lines: "AMI", "ESL". */
  name: string;
  /** Builds a client with its event handlers attached; not yet open. */
  create(): C;
  minBackoffMs: number;
  maxBackoffMs: number;
  logger: Logger;
  onDown(detail: string): void;
  /** After a reconnect (not the first open): reconcile what was missed. */
  onReconnected(): void;
}

/**
 * One protocol connection kept open for a driver: opens it, notices when it drops, reconnects
 * with doubling backoff until closed, and runs the driver's timers so none outlives close().
 */
export class ReconnectingSession<C extends SessionClient> {
  private client?: C;
  private backoffMs = 0;
  private closed = true;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly o: SessionOptions<C>) {}

  /** The open client, if any. */
  get current(): C | undefined {
    return this.client;
  }

  async open(): Promise<void> {
    this.closed = false;
    await this.connectOnce();
  }

  /** Idempotent: stops reconnecting, clears timers, closes the client. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.client?.removeAllListeners();
    this.client?.close();
    this.client = undefined;
  }

  /** Runs `fn` after `ms` unless the session has been closed by then. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  private async connectOnce(): Promise<void> {
    const client = this.o.create();
    client.on('closed', (detail) => this.lost(client, detail));
    try {
      await client.open();
    } catch (e) {
      client.removeAllListeners();
      client.close();
      throw e;
    }
    this.client = client;
  }

  private lost(client: C, detail: string): void {
    if (this.client !== client) return;
    client.removeAllListeners();
    this.client = undefined;
    if (this.closed) return;
    this.o.logger.warn({ detail }, `${this.o.name} connection lost`);
    this.o.onDown(detail);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.backoffMs = Math.min(Math.max(this.backoffMs * 2, this.o.minBackoffMs), this.o.maxBackoffMs);
    this.later(this.backoffMs, () => {
      this.connectOnce().then(
        () => {
          this.backoffMs = 0;
          this.o.onReconnected();
        },
        (e: unknown) => {
          this.o.logger.warn({ err: String(e) }, `${this.o.name} reconnect failed`);
          if (!this.closed) this.scheduleReconnect();
        },
      );
    });
  }
}
