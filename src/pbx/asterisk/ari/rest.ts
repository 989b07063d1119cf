import { Readable } from 'node:stream';
import { copyToNewFile, RECORDING_FILE_MODE } from '../../../files/private-file.js';
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
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly creds: AriCredentials,
    private readonly timeoutMs = 5_000,
    /**
     * Requests open at once. Asterisk's HTTP server closes connections past its `sessionlimit`
     * (100 by default, the event socket included): at 150 live calls a burst of hang-ups and
     * recording fetches got "other side closed" (bench:engine). Queueing here keeps under it.
     */
    private readonly maxInFlight = 32,
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
    const { res, text } = await this.request(method, path, query, body, async (r) => ({
      res: r,
      text: await r.text(),
    }));
    if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
    const code = statusCodes[res.status] ?? defaultCode(res.status);
    throw new PbxError(code, `ARI ${method} ${path}: ${res.status} ${messageOf(text)}`);
  }

  /** Streams a binary body (a stored recording) to `destination`; returns its size. */
  async download(path: string, destination: string): Promise<{ bytes: number }> {
    return this.request('GET', path, {}, undefined, async (res) => {
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        throw new PbxError(
          res.status === 404 ? 'not-found' : 'protocol',
          `ARI GET ${path}: HTTP ${res.status}`,
        );
      }
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      return { bytes: await copyToNewFile(body, destination, RECORDING_FILE_MODE) };
    });
  }

  /**
   * One request, holding a slot until its body is read. A GET or DELETE whose connection failed
   * is sent again (twice at most) — both are safe to repeat. A POST is never repeated: it may
   * have been carried out (an originate would then be refused as a duplicate of itself).
   */
  private async request<T>(
    method: string,
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    body: unknown,
    consume: (res: Response) => Promise<T>,
  ): Promise<T> {
    const retries = method === 'GET' || method === 'DELETE' ? 2 : 0;
    for (let attempt = 0; ; attempt++) {
      await this.slot();
      try {
        return await consume(await this.send(method, path, query, body));
      } catch (err) {
        if (!(err instanceof PbxError) || err.code !== 'not-connected' || attempt >= retries) throw err;
      } finally {
        this.release();
      }
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }

  private slot(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.inFlight -= 1;
  }

  private async send(
    method: string,
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    body: unknown,
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
