import { WebSocket } from 'ws';
import type { LabSettings } from './lab.js';

/** An ARI event as Asterisk sends it (only the fields tests read). */
export interface AriEvent {
  type: string;
  channel?: { id: string; state: string };
  args?: string[];
  cause?: number;
  cause_txt?: string;
  tech_cause?: number;
  dialstatus?: string;
}

/**
 * A bare ARI client for lab tests: REST with fetch and the event WebSocket, nothing else. It
 * checks the lab itself, independently of the project's drivers.
 */
export class RawAri {
  private ws?: WebSocket;
  private readonly events: AriEvent[] = [];
  private readonly waiters: { match: (e: AriEvent) => boolean; resolve: (e: AriEvent) => void }[] = [];
  readonly app = `lab-smoke-${process.pid}-${Date.now().toString(36)}`;

  constructor(private readonly lab: LabSettings) {}

  private get auth(): string {
    return `Basic ${Buffer.from(`${this.lab.ari.username}:${this.lab.ari.password}`).toString('base64')}`;
  }

  async connect(): Promise<void> {
    const url = `${this.lab.ari.url.replace(/^http/, 'ws')}/ari/events?app=${this.app}&subscribeAll=false`;
    this.ws = new WebSocket(url, { headers: { Authorization: this.auth } });
    this.ws.on('message', (data: Buffer) => {
      const e = JSON.parse(data.toString()) as AriEvent;
      this.events.push(e);
      for (const w of [...this.waiters]) {
        if (w.match(e)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    });
    await new Promise<void>((resolve, reject) => {
      this.ws?.once('open', () => resolve());
      this.ws?.once('error', reject);
    });
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${this.lab.ari.url}/ari${path}`, {
      method,
      headers: { Authorization: this.auth, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** Originates `endpoint` into this app with our own channel id. */
  originate(channelId: string, endpoint: string, timeoutSec: number) {
    const q = new URLSearchParams({ endpoint, app: this.app, timeout: String(timeoutSec) });
    return this.request('POST', `/channels/${channelId}?${q.toString()}`, {
      variables: { DIALER_APP: this.app },
    });
  }

  /** Resolves with the first event (already received or future) that matches. */
  waitFor(match: (e: AriEvent) => boolean, timeoutMs: number): Promise<AriEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching ARI event within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  close(): void {
    this.ws?.close();
  }
}
