import { WebSocket } from 'ws';
import { hiResNow } from './clock.js';

export interface AriLogin {
  url: string;
  username: string;
  password: string;
}

/** The fields of an ARI event the benchmark reads. */
export interface RawAriEvent {
  type: string;
  /** Asterisk's own clock, e.g. `2026-12-01T19:21:45.123+0000`. */
  timestamp?: string;
  channel?: { id: string; state: string };
  bridge?: { id: string };
  args?: string[];
}

/**
 * A bare ARI client with no dialer behind it: the WebSocket and REST over fetch, nothing else.
 * It is the benchmark's baseline (the PBX driven directly) and, with `subscribeAll`, an observer
 * that reads Asterisk's own timestamps for the engine's channels.
 */
export class RawAri {
  private ws?: WebSocket;
  private readonly auth: string;
  private readonly listeners = new Set<(e: RawAriEvent, receivedAt: number) => void>();

  constructor(
    private readonly login: AriLogin,
    readonly app: string,
    private readonly subscribeAll = false,
  ) {
    this.auth = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
  }

  async connect(): Promise<void> {
    const q = new URLSearchParams({ app: this.app, subscribeAll: String(this.subscribeAll) });
    const ws = new WebSocket(`${this.login.url.replace(/^http/, 'ws')}/ari/events?${q.toString()}`, {
      headers: { Authorization: this.auth },
    });
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      const at = hiResNow();
      const e = JSON.parse(data.toString()) as RawAriEvent;
      for (const l of this.listeners) l(e, at);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  onEvent(listener: (e: RawAriEvent, receivedAt: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async request(method: string, path: string, query: Record<string, string> = {}): Promise<number> {
    const qs = new URLSearchParams(query).toString();
    const res = await fetch(`${this.login.url}/ari${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers: { Authorization: this.auth },
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** Originates `endpoint` into this app under our own channel id; resolves with the HTTP status. */
  originate(channelId: string, endpoint: string, timeoutSec: number): Promise<number> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}`, {
      endpoint,
      app: this.app,
      timeout: String(timeoutSec),
    });
  }

  createBridge(bridgeId: string): Promise<number> {
    return this.request('POST', `/bridges/${encodeURIComponent(bridgeId)}`, { type: 'mixing' });
  }

  addToBridge(bridgeId: string, channelId: string): Promise<number> {
    return this.request('POST', `/bridges/${encodeURIComponent(bridgeId)}/addChannel`, {
      channel: channelId,
    });
  }

  hangup(channelId: string): Promise<number> {
    return this.request('DELETE', `/channels/${encodeURIComponent(channelId)}`);
  }

  destroyBridge(bridgeId: string): Promise<number> {
    return this.request('DELETE', `/bridges/${encodeURIComponent(bridgeId)}`);
  }

  close(): void {
    this.listeners.clear();
    this.ws?.close();
  }
}

/** Asterisk's event time as epoch milliseconds (NaN when absent). */
export function asteriskTime(e: RawAriEvent): number {
  return e.timestamp ? Date.parse(e.timestamp) : Number.NaN;
}
