import type { AriSocket } from '../../pbx/asterisk/ari/ari-socket.js';
import type { CheckLine } from './report.js';

/** A bare ARI request for the checks: the HTTP status matters (401, 403, 404), never retried. */
export interface AriReply {
  status: number;
  body: unknown;
}

export interface AriTarget {
  url: string;
  username: string;
  password: string;
}

export async function ariRequest(
  target: AriTarget,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  query: Record<string, string> = {},
): Promise<AriReply> {
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${target.url}/ari${path}${qs ? `?${qs}` : ''}`, {
    method,
    headers: {
      Authorization: `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`,
    },
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (an HTML error page): keep the text.
  }
  return { status: res.status, body };
}

/** The reason of a failed fetch, without a stack: `ECONNREFUSED`, `timeout`, … */
export function fetchFailure(err: unknown): string {
  if (err instanceof DOMException && err.name === 'TimeoutError') return 'no answer within 5 s';
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export function messageOf(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String(body.message);
  return typeof body === 'string' ? body.slice(0, 120) : '';
}

/** What the ARI checks share: the node, its ARI, the check's own Stasis app and socket, the lines. */
export interface AriCtx {
  node: string;
  target: AriTarget;
  app: string;
  socket?: AriSocket;
  lines: CheckLine[];
}

export function add(ctx: AriCtx, line: Omit<CheckLine, 'node'>): void {
  ctx.lines.push({ node: ctx.node, ...line });
}
