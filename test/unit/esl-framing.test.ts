import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commandReply,
  EslCommandReader,
  EslMessageReader,
  jsonEvent,
  withBody,
  type EslMessage,
} from '../support/esl-framing.js';
import { EslWireServer } from '../support/esl-wire-server.js';

describe('ESL framing', () => {
  it('reads a message split at every byte', () => {
    const wire = Buffer.from(withBody('api/response', '+OK done\n') + commandReply('+OK accepted'));
    const reader = new EslMessageReader();
    const out: EslMessage[] = [];
    for (const byte of wire) out.push(...reader.push(Buffer.from([byte])));
    expect(out).toEqual([
      { headers: { 'Content-Type': 'api/response', 'Content-Length': '9' }, body: '+OK done\n' },
      { headers: { 'Content-Type': 'command/reply', 'Reply-Text': '+OK accepted' }, body: '' },
    ]);
  });

  it('reads several messages from one chunk, bodies counted in bytes', () => {
    const event = jsonEvent({ 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': 'j1' }, '-ERR USER_BUSY\n');
    const utf8 = withBody('api/response', 'héllo\n\n');
    const reader = new EslMessageReader();
    const out = reader.push(Buffer.from(event + utf8 + event));
    expect(out).toHaveLength(3);
    const parsed = JSON.parse(out[0]?.body ?? '{}') as Record<string, string>;
    expect(parsed).toMatchObject({ 'Job-UUID': 'j1', _body: '-ERR USER_BUSY\n', 'Content-Length': '15' });
    expect(out[1]).toEqual({
      headers: { 'Content-Type': 'api/response', 'Content-Length': String(Buffer.byteLength('héllo\n\n')) },
      body: 'héllo\n\n',
    });
  });

  it('reads client commands with headers, split and joined arbitrarily', () => {
    const reader = new EslCommandReader();
    expect(reader.push('auth Clue')).toEqual([]);
    const out = reader.push('Con\n\nbgapi status\nJob-UUID: abc\n\napi status\n\n');
    expect(out).toEqual([
      { line: 'auth ClueCon', headers: {} },
      { line: 'bgapi status', headers: { 'Job-UUID': 'abc' } },
      { line: 'api status', headers: {} },
    ]);
  });
});

describe('ESL wire server transcript', () => {
  let server: EslWireServer | undefined;
  let socket: Socket | undefined;

  afterEach(async () => {
    socket?.destroy();
    await server?.close();
  });

  /** Sends raw commands and collects what the server writes back. */
  async function session(commands: string[], expected: number): Promise<EslMessage[]> {
    server = new EslWireServer({ password: 'pw' });
    const port = await server.listen();
    const s = connect(port, '127.0.0.1');
    socket = s;
    const reader = new EslMessageReader();
    const got: EslMessage[] = [];
    return new Promise((resolve, reject) => {
      s.on('error', reject);
      s.on('data', (chunk) => {
        got.push(...reader.push(chunk));
        if (got.length >= expected) resolve(got);
      });
      s.on('close', () => resolve(got));
      s.write(commands.join(''));
    });
  }

  it('auth, api, bgapi with BACKGROUND_JOB, exit with disconnect notice', async () => {
    const got = await session(
      ['auth pw\n\n', 'event json BACKGROUND_JOB\n\n', 'api status\n\n', 'bgapi status\nJob-UUID: job-1\n\n'],
      6,
    );
    const closing = new Promise<EslMessage[]>((resolve) => {
      const reader = new EslMessageReader();
      const tail: EslMessage[] = [];
      socket?.on('data', (chunk) => tail.push(...reader.push(chunk)));
      socket?.on('close', () => resolve(tail));
    });
    socket?.write('exit\n\n');
    const tail = await closing;
    expect(tail.map((m) => m.headers['Reply-Text'] ?? m.headers['Content-Type'])).toEqual([
      '+OK bye',
      'text/disconnect-notice',
    ]);
    const types = got.map((m) => m.headers['Content-Type']);
    expect(types[0]).toBe('auth/request');
    expect(got[1]?.headers['Reply-Text']).toBe('+OK accepted');
    expect(got[2]?.headers['Reply-Text']).toBe('+OK event listener enabled json');
    expect(got[3]?.body).toMatch(/^UP /);
    expect(got[4]?.headers).toMatchObject({ 'Reply-Text': '+OK Job-UUID: job-1', 'Job-UUID': 'job-1' });
    const job = got.find((m) => m.headers['Content-Type'] === 'text/event-json');
    expect(JSON.parse(job?.body ?? '{}')).toMatchObject({
      'Event-Name': 'BACKGROUND_JOB',
      'Job-UUID': 'job-1',
    });
  });

  it('refuses a wrong password and closes', async () => {
    const got = await session(['auth nope\n\n'], 3);
    expect(got[1]?.headers['Reply-Text']).toBe('-ERR invalid');
    expect(got[2]?.headers['Content-Type']).toBe('text/disconnect-notice');
  });
});
