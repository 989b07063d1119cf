import { EventEmitter } from 'node:events';
import ari from 'ari-client';
import './swagger-log.js';
import type { Logger } from '../../../logger.js';
import type { AriEvent } from './events.js';
import type { AriCredentials } from './rest.js';

export interface AriSocketOptions {
  /** How often to ping the WebSocket; a missing pong by the next ping means a dead socket. */
  pingIntervalMs: number;
  /** Backoff between reconnect attempts after ari-client gave up: doubles up to this. */
  maxBackoffMs: number;
}

/** The part of ari-client's Client this class uses (its typings miss '*', 'pong' and stop()). */
interface AriClient {
  on(event: string, listener: (payload: never) => void): unknown;
  removeAllListeners(): unknown;
  start(app: string): Promise<unknown>;
  stop(): void;
  ping(): void;
}

/**
 * ARI's event WebSocket through ari-client, kept alive forever: ari-client reconnects on its
 * own but gives up after 10 tries (WebSocketMaxRetries) and never notices a half-open TCP
 * connection. This class pings, and recreates the client — with growing backoff — whenever
 * ari-client gives up or a pong goes missing.
 */
export class AriSocket extends EventEmitter<{ event: [AriEvent]; up: []; down: [string] }> {
  private client?: AriClient;
  private pingTimer?: NodeJS.Timeout;
  private awaitingPong = false;
  private closed = false;
  private connected = false;
  private reopening?: Promise<void>;

  constructor(
    private readonly creds: AriCredentials,
    private readonly app: string,
    private readonly logger: Logger,
    private readonly options: AriSocketOptions,
  ) {
    super();
  }

  get isUp(): boolean {
    return this.connected;
  }

  /** Connects once; rejects if Asterisk cannot be reached or refuses the credentials. */
  async open(): Promise<void> {
    this.closed = false;
    await this.createClient();
    this.pingTimer = setInterval(() => this.ping(), this.options.pingIntervalMs);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.pingTimer);
    this.dropClient();
    this.setConnected(false, 'closed');
  }

  private async createClient(): Promise<void> {
    await this.apiReady();
    const client = (await ari.connect(
      this.creds.url,
      this.creds.username,
      this.creds.password,
    )) as unknown as AriClient;
    client.on('*', (event: AriEvent) => {
      if (this.client === client) this.emit('event', event);
    });
    client.on('pong', () => {
      this.awaitingPong = false;
    });
    client.on('WebSocketConnected', () => this.setConnected(true, 'connected'));
    // A plain close (Asterisk restarting) reconnects with no error object.
    client.on('WebSocketReconnecting', (err: Error | undefined) =>
      this.setConnected(false, `reconnecting: ${err?.message ?? 'socket closed'}`),
    );
    client.on('WebSocketMaxRetries', () => void this.reopen('ari-client gave up reconnecting'));
    this.client = client;
    this.awaitingPong = false;
    await client.start(this.app);
    this.setConnected(true, 'connected');
  }

  /**
   * ari-client loads ARI's Swagger files through swagger-client, which on a non-200 reply
   * (Asterisk answers 503 while ARI is still loading after a restart) calls its failure handler
   * AND throws the message inside an HTTP callback: an uncaught exception that would crash the
   * process. So ari-client is only created once the same URL answers 200. (A 503 between this
   * probe and ari-client's own request remains possible but needs Asterisk to stop in between.)
   */
  private async apiReady(): Promise<void> {
    const auth = Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64');
    const res = await fetch(`${this.creds.url}/ari/api-docs/resources.json`, {
      headers: { Authorization: `Basic ${auth}` },
      signal: AbortSignal.timeout(5_000),
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`ARI not ready: HTTP ${res.status}`);
  }

  private ping(): void {
    if (!this.client || this.closed || this.reopening) return;
    // While ari-client reconnects on its own, replacing it would leave its retry loop running:
    // that zombie later re-registers the app and takes our events (ApplicationReplaced). Only
    // a socket believed up but silent is half-open.
    if (!this.connected) {
      this.awaitingPong = false;
      return;
    }
    if (this.awaitingPong) {
      void this.reopen('no pong from Asterisk: the WebSocket is dead');
      return;
    }
    this.awaitingPong = true;
    try {
      this.client.ping();
    } catch {
      void this.reopen('ping failed');
    }
  }

  private reopen(reason: string): Promise<void> {
    this.reopening ??= this.reopenLoop(reason).finally(() => {
      this.reopening = undefined;
    });
    return this.reopening;
  }

  private async reopenLoop(reason: string): Promise<void> {
    this.setConnected(false, reason);
    this.dropClient();
    let delay = 500;
    while (!this.closed) {
      try {
        await this.createClient();
        return;
      } catch (err) {
        this.logger.warn({ err: String(err), retryInMs: delay }, 'ARI reconnect failed');
        this.dropClient();
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(this.options.maxBackoffMs, delay * 2);
      }
    }
  }

  private dropClient(): void {
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    c.removeAllListeners();
    try {
      c.stop();
    } catch {
      // Already closed.
    }
  }

  private setConnected(up: boolean, detail: string): void {
    if (up === this.connected) return;
    this.connected = up;
    this.logger.info({ app: this.app, detail }, up ? 'ARI connected' : 'ARI disconnected');
    if (up) this.emit('up');
    else this.emit('down', detail);
  }
}
