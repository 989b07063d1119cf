/**
 * mod_event_socket framing, both directions, as documented on
 * developer.signalwire.com/freeswitch/FreeSWITCH-Explained/Modules/mod_event_socket_1048924/
 * ("Event Socket" wire examples) and implemented in src/mod/event_socket/mod_event_socket.c:
 * - a client command is one line, optional `Name: value` header lines, then an empty line;
 * - a server message is `Name: value` header lines and an empty line, then exactly
 *   `Content-Length` bytes of body when that header is present.
 */

/** One message: headers in order received, plus the body (empty when there is none). */
export interface EslMessage {
  headers: Record<string, string>;
  body: string;
}

/** A command from the client: the first line and the headers that followed it. */
export interface EslCommand {
  line: string;
  headers: Record<string, string>;
}

function parseHeaderBlock(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) headers[line.slice(0, i)] = decodeURIComponent(line.slice(i + 2));
  }
  return headers;
}

/** Reads server→client messages from a byte stream split anywhere. */
export class EslMessageReader {
  private buffer = Buffer.alloc(0);
  private pending: Record<string, string> | undefined;

  /** Feeds a chunk; returns every message it completed. */
  push(chunk: Buffer): EslMessage[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: EslMessage[] = [];
    for (;;) {
      if (!this.pending) {
        const end = this.buffer.indexOf('\n\n');
        if (end < 0) return out;
        this.pending = parseHeaderBlock(this.buffer.subarray(0, end).toString('utf8'));
        this.buffer = this.buffer.subarray(end + 2);
      }
      const length = Number(this.pending['Content-Length'] ?? 0);
      if (this.buffer.length < length) return out;
      out.push({ headers: this.pending, body: this.buffer.subarray(0, length).toString('utf8') });
      this.buffer = this.buffer.subarray(length);
      this.pending = undefined;
    }
  }
}

/** Reads client→server commands (`auth x\n\n`, `bgapi … \nJob-UUID: …\n\n`). */
export class EslCommandReader {
  private buffer = '';

  push(chunk: Buffer | string): EslCommand[] {
    this.buffer += chunk.toString();
    const out: EslCommand[] = [];
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return out;
      const block = this.buffer.slice(0, end).replace(/\r/g, '');
      this.buffer = this.buffer.slice(end + 2);
      const [line = '', ...rest] = block.split('\n');
      if (line.trim() === '') continue;
      out.push({ line: line.trim(), headers: parseHeaderBlock(rest.join('\n')) });
    }
  }
}

/** `Content-Type: command/reply` with Reply-Text and any extra headers (no body). */
export function commandReply(replyText: string, extra: Record<string, string> = {}): string {
  const lines = ['Content-Type: command/reply', `Reply-Text: ${replyText}`];
  for (const [k, v] of Object.entries(extra)) lines.push(`${k}: ${v}`);
  return `${lines.join('\n')}\n\n`;
}

/** A message with a body; Content-Length counts bytes, not characters. */
export function withBody(contentType: string, body: string): string {
  return `Content-Type: ${contentType}\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

/** An event in JSON form: the header map, with the body (if any) under `_body`. */
export function jsonEvent(headers: Record<string, string>, body?: string): string {
  const data: Record<string, string> = { ...headers };
  if (body !== undefined) {
    data['Content-Length'] = String(Buffer.byteLength(body));
    data['_body'] = body;
  }
  const json = JSON.stringify(data);
  return `Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`;
}

/** Sent on connect, before anything else. */
export const AUTH_REQUEST = 'Content-Type: auth/request\n\n';

/** Sent before the server closes the socket (mod_event_socket's goodbye text). */
export const DISCONNECT_NOTICE = withBody(
  'text/disconnect-notice',
  'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n',
);
