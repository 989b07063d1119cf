import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, signPayload, verifySignature } from '../../src/webhooks/signature.js';

const SECRET = 'whsec-test-0123456789abcdef';
const BODY = '{"id":"dnc-added.1","type":"dnc-added","data":{"phone":"+12125550100"}}';
const T = 1_790_000_000;

describe('webhook signatures', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>", as docs/webhooks.md tells receivers', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signPayload(SECRET, T, BODY)).toBe(expected);
    expect(signatureHeader(SECRET, T, BODY)).toBe(`t=${T},v1=${expected}`);
  });

  const good = signatureHeader(SECRET, T, BODY);
  const other = signatureHeader('another-secret-0123456789', T, BODY);
  it.each([
    ['the same secret, body and time', good, BODY, T, { ok: true, timestampSec: T }],
    ['4 min 59 s later', good, BODY, T + 299, { ok: true, timestampSec: T }],
    ['5 min 1 s later (a replay)', good, BODY, T + 301, { ok: false, reason: 'stale' }],
    ['from 6 min in the future', good, BODY, T - 360, { ok: false, reason: 'future' }],
    ['a changed body', good, BODY.replace('0100', '0101'), T, { ok: false, reason: 'mismatch' }],
    ['another secret', other, BODY, T, { ok: false, reason: 'mismatch' }],
    ['a moved timestamp', good.replace(`t=${T}`, `t=${T + 1}`), BODY, T, { ok: false, reason: 'mismatch' }],
    [
      'old and new secret while rotating',
      `${other},v1=${good.split('v1=')[1]}`,
      BODY,
      T,
      { ok: true, timestampSec: T },
    ],
    ['no header', undefined, BODY, T, { ok: false, reason: 'malformed' }],
    ['no signature', `t=${T}`, BODY, T, { ok: false, reason: 'malformed' }],
    ['a short signature', `t=${T},v1=abcd`, BODY, T, { ok: false, reason: 'malformed' }],
    ['no timestamp', `v1=${'0'.repeat(64)}`, BODY, T, { ok: false, reason: 'malformed' }],
  ])('%s', (_what, header, body, now, expected) => {
    expect(verifySignature(SECRET, header, body, now)).toEqual(expected);
  });
});
