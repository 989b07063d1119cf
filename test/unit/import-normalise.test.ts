import { describe, expect, it } from 'vitest';
import { normalisePhone } from '../../src/domain/lead/phone.js';
import { zoneForNumber } from '../../src/domain/lead/timezone.js';

describe('normalisePhone', () => {
  it.each([
    ['(212) 555-1234', 'US', '+12125551234'],
    ['212.555.1234', 'US', '+12125551234'],
    ['+44 20 7946 0000', 'US', '+442079460000'],
    ['0044 20 7946 0000', 'US', '+442079460000'],
    ['13800138000', 'CN', '+8613800138000'],
    ['020 7946 0000', 'GB', '+442079460000'],
  ])('%s in %s → %s', (raw, region, e164) => {
    expect(normalisePhone(raw, region)).toMatchObject({ ok: true, e164 });
  });
  it.each([
    ['', 'empty'],
    ['call me', 'contains letters'],
    ['12', 'wrong length'],
    ['+1 555 555 0100', 'not a valid'],
  ])('%j is rejected: %s', (raw, reason) => {
    const r = normalisePhone(raw, 'US');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
  it('says "not a valid number" in plain words when the country is unknown', () => {
    expect(normalisePhone('+1 555 555 0100', 'US')).toEqual({
      ok: false,
      reason: 'not a valid number in any country',
    });
  });
});

describe('zoneForNumber', () => {
  it.each([
    ['US', '2125551234', 'America/New_York', 'area-code'],
    ['US', '4155552671', 'America/Los_Angeles', 'area-code'],
    ['US', '3125550000', 'America/Chicago', 'area-code'],
    ['US', '6025550000', 'America/Phoenix', 'area-code'],
    ['CA', '6045550000', 'America/Vancouver', 'area-code'],
    ['CN', '13800138000', 'Asia/Shanghai', 'country'],
    ['GB', '2079460000', 'Europe/London', 'country'],
    ['BR', '11987654321', 'America/Sao_Paulo', 'country-default'],
    ['AU', '212345678', 'Australia/Sydney', 'country-default'],
    ['ZW', '771234567', 'UTC', 'import-default'],
  ])('%s %s → %s (%s)', (country, national, zone, source) => {
    expect(zoneForNumber(country, national, 'UTC')).toEqual({ zone, source });
  });
});
