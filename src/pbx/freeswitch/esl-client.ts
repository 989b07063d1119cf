import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import esl from 'modesl';
import { PbxError } from '../pbx-driver.js';

/** A FreeSWITCH event as the driver reads it: header map (URL-decoded by modesl) and body. */
export interface EslEvent {
  name: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

export interface EslClientOptions {
  host: string;
  port: number;
  password: string;
  /** Events to subscribe to (`event json <list>`). */
  events: readonly string[];
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /**
   * Extra connections that carry only `api` commands (default 0). mod_event_socket runs one
   * connection's commands one after another, so on a busy PBX a `uuid_transfer` waits behind
   * other calls' `uuid_record`s; lanes let them run side by side. Events stay on the main one.
   */
  apiLanes?: number;
}

/**
 * One inbound ESL session (mod_event_socket), promise-shaped: a main connection for events,
 * `bgapi` and other commands, plus optional api-only lanes. modesl answers commands FIFO per
 * connection, so every long-running command goes through `bgapi` and only short ones through `api`.
 * Losing any of the connections loses the session (one reconnect for all).
 */
export class EslClient extends EventEmitter<{ event: [EslEvent]; closed: [string] }> {
  private conn: esl.Connection | undefined;
  private lanes: esl.Connection[] = [];
  private nextLane = 0;
  private closedByUs = false;

  constructor(private readonly options: EslClientOptions) {
    super();
  }

  /** Connects, authenticates and subscribes; rejects with PbxError on any failure. */
  async open(): Promise<void> {
    const conn = await this.login();
    this.watch(conn);
    conn.on('esl::event::*::*', (...args: unknown[]) => this.onMessage(args[0] as esl.Event, args[1]));
    this.conn = conn;
    this.closedByUs = false;
    const reply = await this.command(`event json ${this.options.events.join(' ')}`);
    if (!reply.startsWith('+OK')) throw new PbxError('protocol', `event subscription refused: ${reply}`);
    try {
      for (let i = 0; i < (this.options.apiLanes ?? 0); i++) {
        const lane = await this.login();
        this.watch(lane);
        this.lanes.push(lane);
        // modesl subscribes each connection to BACKGROUND_JOB at login: a lane wants no events.
        await this.withTimeout(
          'noevents',
          new Promise((resolve) => lane.sendRecv('noevents', null, resolve)),
        );
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private login(): Promise<esl.Connection> {
    const o = this.options;
    return new Promise<esl.Connection>((resolve, reject) => {
      const timer = setTimeout(() => {
        finish(new PbxError('timeout', `ESL ${o.host}:${o.port}: no answer`));
      }, o.connectTimeoutMs);
      const finish = (err?: Error): void => {
        clearTimeout(timer);
        if (err) {
          c.socket?.destroy();
          reject(err);
        } else resolve(c);
      };
      const c = new esl.Connection(o.host, o.port, o.password, () => finish());
      c.on('error', (e) => finish(new PbxError('not-connected', `ESL ${o.host}:${o.port}: ${String(e)}`)));
      c.on('esl::event::auth::fail', () => finish(new PbxError('rejected', 'ESL authentication failed')));
      c.on('esl::end', () => finish(new PbxError('not-connected', 'ESL connection closed during login')));
    });
  }

  private watch(conn: esl.Connection): void {
    conn.removeAllListeners('error');
    conn.removeAllListeners('esl::end');
    conn.on('error', (e) => this.lost(`socket error: ${String(e)}`));
    conn.on('esl::end', () => this.lost('connection closed'));
    conn.on('esl::event::disconnect::notice', () => this.lost('disconnect notice'));
  }

  /** Runs `api <cmd>` and returns the response body. */
  api(command: string): Promise<string> {
    const main = this.live();
    const conn = this.lanes.length > 0 ? (this.lanes[this.nextLane++ % this.lanes.length] ?? main) : main;
    return this.withTimeout(
      command,
      new Promise((resolve) => conn.api(command, (res) => resolve(res.getBody()))),
    );
  }

  /**
   * Sends `bgapi <cmd>` with our own Job-UUID; resolves with the Job-UUID once FreeSWITCH queued it.
   * Pass `jobId` to know it before sending: the job's BACKGROUND_JOB can arrive in the same read
   * as the reply, before the caller sees the promise resolve.
   */
  async bgapi(command: string, jobId: string = randomUUID()): Promise<string> {
    const reply = await this.command(`bgapi ${command}`, { 'Job-UUID': jobId });
    if (!reply.startsWith('+OK')) throw new PbxError('rejected', `bgapi ${command.split(' ')[0]}: ${reply}`);
    return jobId;
  }

  /** Sends a command that FreeSWITCH answers with `command/reply`; resolves with Reply-Text. */
  command(command: string, headers: Record<string, string> | null = null): Promise<string> {
    const conn = this.live();
    return this.withTimeout(
      command,
      new Promise((resolve) =>
        conn.sendRecv(command, headers, (res) => resolve(res.getHeader('Reply-Text') ?? '')),
      ),
    );
  }

  /** Idempotent: says `exit` and closes the socket. */
  close(): void {
    this.closedByUs = true;
    const all = [...this.lanes, ...(this.conn ? [this.conn] : [])];
    this.conn = undefined;
    this.lanes = [];
    for (const conn of all) {
      conn.removeAllListeners();
      conn.on('error', () => undefined);
      if (conn.socket && !conn.socket.destroyed) conn.disconnect();
    }
  }

  private live(): esl.Connection {
    if (!this.conn?.socket) throw new PbxError('not-connected', 'ESL is not connected');
    return this.conn;
  }

  private lost(detail: string): void {
    if (this.closedByUs || !this.conn) return;
    const all = [this.conn, ...this.lanes];
    this.conn = undefined;
    this.lanes = [];
    for (const conn of all) {
      conn.removeAllListeners();
      conn.on('error', () => undefined);
      conn.socket?.destroy();
    }
    this.emit('closed', detail);
  }

  private onMessage(event: esl.Event, raw: unknown): void {
    const contentType = (raw as Record<string, unknown> | undefined)?.['Content-Type'];
    if (contentType !== 'text/event-json') return;
    const headers: Record<string, string> = {};
    for (const h of event.headers) headers[h.name] = String(h.value);
    this.emit('event', { name: headers['Event-Name'] ?? '', headers, body: event.getBody() });
  }

  private withTimeout<T>(what: string, p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new PbxError('timeout', `ESL: no reply to ${what.split(' ')[0] ?? what}`));
      }, this.options.commandTimeoutMs);
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }
}
