import { describe, expect, it } from 'vitest';
import { utf8Stats, verdictOf } from '../../src/import/encoding.js';
import { FIELD_LIMITS, ImportFileError, mapColumns, prepareRow } from '../../src/import/lead-row.js';

describe('encoding sniffing', () => {
  it.each([
    ['plain ASCII', Buffer.from('phone,name\n1,Al\n'), 'ascii'],
    ['UTF-8', Buffer.from('phone,name\n1,José 王芳\n', 'utf8'), 'utf8'],
    ['Latin-1', Buffer.from('phone,name\n1,José\n2,René\n', 'latin1'), 'not-utf8'],
    ['GBK bytes', Buffer.from([0x70, 0x2c, 0xcd, 0xf5, 0xb7, 0xbc, 0x0a]), 'not-utf8'],
    [
      'UTF-8 with one stray byte',
      Buffer.concat([Buffer.from('José, Zoë, 王芳\n'), Buffer.from([0xe9])]),
      'utf8',
    ],
  ])('%s → %s', (_name, buf, verdict) => {
    expect(verdictOf(utf8Stats(buf))).toBe(verdict);
  });
  it('counts an overlong encoding as invalid', () => {
    expect(utf8Stats(Buffer.from([0xc0, 0x80]))).toEqual({ valid: 0, invalid: 2 });
  });
});

describe('mapColumns', () => {
  it('finds phone, timezone and name by alias', () => {
    expect(mapColumns(['Mobile', 'Time Zone', 'Full Name', 'segment'])).toMatchObject({
      phone: 0,
      timezone: 1,
      name: 2,
    });
  });
  it('fails the file without a phone column, listing the header', () => {
    expect(() => mapColumns(['name', 'email'])).toThrow(ImportFileError);
    expect(() => mapColumns(['name', 'email'])).toThrow('the header has: name, email');
  });
  it('fails on a repeated column', () => {
    expect(() => mapColumns(['phone', 'Phone'])).toThrow('appears twice');
  });
});

describe('prepareRow', () => {
  const cols = mapColumns(['phone', 'name', 'timezone', 'segment', 'notes']);
  const d = { defaultRegion: 'US', defaultTimezone: 'UTC' };
  it('normalises a good row; other non-empty columns go to attributes', () => {
    expect(prepareRow(['(212) 555-1234', ' Alice ', '', 'gold', ''], cols, d)).toEqual({
      ok: true,
      lead: {
        phone: '+12125551234',
        timezone: 'America/New_York',
        timezoneSource: 'area-code',
        name: 'Alice',
        attributes: { segment: 'gold' },
      },
    });
  });
  it.each([
    [['2125551234', 'A', '', 'x'], 'column-count', '(row)'],
    [['2125551234', 'Ren\uFFFD', '', 'x', ''], 'invalid-utf8', 'name'],
    [['12', 'A', '', 'x', ''], 'bad-number', 'phone'],
    [['2125551234', 'A', 'Mars/Base', 'x', ''], 'bad-timezone', 'timezone'],
  ])('%j → %s in %s', (fields, kind, field) => {
    expect(prepareRow(fields, cols, d)).toMatchObject({ ok: false, kind, field });
  });
  it('rejects a field over its size limit, naming the column and the limit', () => {
    const r = prepareRow(['2125551234', 'x'.repeat(10 * 1024 * 1024), '', 'x', ''], cols, d);
    expect(r).toEqual({
      ok: false,
      kind: 'field-too-long',
      field: 'name',
      reason: `name is 10485760 characters long; at most ${FIELD_LIMITS.name} are allowed`,
    });
    expect(
      prepareRow(['2125551234', 'A', '', 'y'.repeat(FIELD_LIMITS.other + 1), ''], cols, d),
    ).toMatchObject({
      kind: 'field-too-long',
      field: 'segment',
    });
  });
  it('names the value in a bad-number message', () => {
    expect(prepareRow(['+1 555 555 0100', 'A', '', 'x', ''], cols, d)).toMatchObject({
      reason: 'phone number "+1 555 555 0100": not a valid number in any country',
    });
  });
});
