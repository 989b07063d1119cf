import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a delivery's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'dialer-signature';

/** A receiver refuses signatures older (or newer) than this by default: 5 minutes. */
export const DEFAULT_TOLERANCE_SEC = 300;

/**
 * The signature of one delivery: HMAC-SHA256 with the endpoint's secret over
 * `<timestamp>.<raw body>` (the timestamp in Unix seconds, the body byte for byte as sent).
 * Binding the timestamp into the MAC is what lets a receiver refuse a replayed delivery.
 */
export function signPayload(secret: string, timestampSec: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSec}.${body}`, 'utf8').digest('hex');
}

/** The header value for `body` signed at `timestampSec`. */
export function signatureHeader(secret: string, timestampSec: number, body: string): string {
  return `t=${timestampSec},v1=${signPayload(secret, timestampSec, body)}`;
}

export type VerifyResult =
  { ok: true; timestampSec: number } | { ok: false; reason: 'malformed' | 'stale' | 'future' | 'mismatch' };

/**
 * What a receiver does (and what our tests do): parse the header, refuse a timestamp outside
 * ±`toleranceSec` of its own clock, recompute the MAC and compare in constant time. Several
 * `v1=` entries are accepted (any may match), so a sender may sign with an old and a new secret
 * while it is being rotated.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSec: number,
  toleranceSec = DEFAULT_TOLERANCE_SEC,
): VerifyResult {
  const parts = (header ?? '').split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const sigs = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v));
  if (t === undefined || !/^\d{1,12}$/.test(t) || sigs.length === 0)
    return { ok: false, reason: 'malformed' };
  const timestampSec = Number(t);
  if (timestampSec < nowSec - toleranceSec) return { ok: false, reason: 'stale' };
  if (timestampSec > nowSec + toleranceSec) return { ok: false, reason: 'future' };
  const expected = Buffer.from(signPayload(secret, timestampSec, body), 'hex');
  const match = sigs.some(([, v]) => timingSafeEqual(expected, Buffer.from(v ?? '', 'hex')));
  return match ? { ok: true, timestampSec } : { ok: false, reason: 'mismatch' };
}
