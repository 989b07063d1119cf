import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { PbxError, type PbxErrorCode } from '../../pbx-driver.js';

export interface AriCredentials {
  /** Base URL of Asterisk's HTTP server, e.g. http://127.0.0.1:8088 */
  url: string;
  username: string;
  password: string;
}

/**
 * ARI's REST side over fetch. (ari-client's REST errors drop the HTTP status, which the driver
 * needs: 409 = duplicate channel id, 404 = gone, 422 = not in Stasis.)
 */
export class AriRest {
  private readonly auth: string;

  constructor(
    private readonly creds: AriCredentials,
    private readonly timeoutMs = 5_000,
  ) {
    this.auth = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  }

  async call<T = unknown>(
    method: 'GET' | 'POST' | 'DELETE' | 'PUT',
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
    body?: unknown,
    statusCodes: Partial<Record<number, PbxErrorCode>> = {},
  ): Promise<T> {
    const res = await this.raw(method, path, query, body);
    const text = await res.text();
    if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
    const code = statusCodes[res.status] ?? defaultCode(res.status);
    throw new PbxError(code, `ARI ${method} ${path}: ${res.status} ${messageOf(text)}`);
  }

  /** Streams a binary body (a stored recording) to `destination`; returns its size. */
  async download(path: string, destination: string): Promise<{ bytes: number }> {
    const res = await this.raw('GET', path);
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new PbxError(
        res.status === 404 ? 'not-found' : 'protocol',
        `ARI GET ${path}: HTTP ${res.status}`,
      );
    }
    let bytes = 0;
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(body, createWriteStream(destination, { mode: 0o640 }));
    return { bytes };
  }

  /** The raw response, for binary bodies (stored recordings). */
  async raw(
    method: string,
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
    body?: unknown,
  ): Promise<Response> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    try {
      return await fetch(`${this.creds.url}/ari${path}${qs ? `?${qs}` : ''}`, {
        method,
        headers: {
          Authorization: this.auth,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const timeout = err instanceof DOMException && err.name === 'TimeoutError';
      throw new PbxError(timeout ? 'timeout' : 'not-connected', `ARI ${method} ${path}: ${String(err)}`, {
        cause: err,
      });
    }
  }
}

function defaultCode(status: number): PbxErrorCode {
  if (status === 404) return 'not-found';
  if (status === 409) return 'duplicate';
  if (status === 400 || status === 422 || status === 403) return 'rejected';
  if (status === 401) return 'not-connected';
  return 'protocol';
}

function messageOf(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    return text.slice(0, 200);
  }
}
