import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  /** The raw body, byte for byte as sent (what a signature is checked over). */
  body: string;
  json: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  at: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 (random port) that records every request and answers with
 * the status `answer` picks for it (200 unless told otherwise).
 */
export async function startWebhookReceiver() {
  const received: Received[] = [];
  let answer: (r: Received) => number = () => 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = {
        headers: req.headers,
        body,
        json: JSON.parse(body) as Received['json'],
        at: Date.now(),
      };
      received.push(r);
      res.statusCode = answer(r);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answerWith(fn: (r: Received) => number) {
      answer = fn;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls `fn` until it returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
