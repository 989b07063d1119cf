import { describe, expect, it } from 'vitest';
import {
  commandReply,
  EslCommandReader,
  EslMessageReader,
  jsonEvent,
  withBody,
  type EslMessage,
} from '../support/esl-framing.js';

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
