import { IANAZone } from 'luxon';
import { normalisePhone } from '../domain/lead/phone.js';
import { zoneForNumber, type TimezoneSource } from '../domain/lead/timezone.js';

/** Header names accepted for the phone column (case-insensitive, spaces/dashes as underscores). */
const PHONE_ALIASES = [
  'phone',
  'phone_number',
  'phone_e164',
  'number',
  'mobile',
  'tel',
  'telephone',
  '电话',
  '手机',
];
const TIMEZONE_ALIASES = ['timezone', 'time_zone', 'tz'];
const NAME_ALIASES = ['name', 'full_name', 'customer_name', '姓名'];

/** Where the known columns are in the header; every other column goes to `attributes`. */
export interface ColumnMap {
  header: string[];
  phone: number;
  timezone: number | undefined;
  name: number | undefined;
}

export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

const norm = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** Maps the header; a missing phone column or a repeated column name fails the whole file. */
export function mapColumns(rawHeader: string[]): ColumnMap {
  const header = rawHeader.map((h, i) => (h.trim() === '' ? `column_${i + 1}` : h.trim()));
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(norm(h))) throw new ImportFileError(`column "${h}" appears twice in the header`);
    seen.add(norm(h));
  }
  const find = (aliases: string[]) => {
    const i = header.findIndex((h) => aliases.includes(norm(h)));
    return i < 0 ? undefined : i;
  };
  const phone = find(PHONE_ALIASES);
  if (phone === undefined) {
    throw new ImportFileError(
      `missing required column "phone" (also accepted: ${PHONE_ALIASES.slice(1).join(', ')}); ` +
        `the header has: ${header.join(', ')}`,
    );
  }
  return { header, phone, timezone: find(TIMEZONE_ALIASES), name: find(NAME_ALIASES) };
}

/** A row ready to insert. */
export interface LeadRow {
  phone: string;
  timezone: string;
  timezoneSource: TimezoneSource;
  name: string | null;
  attributes: Record<string, string>;
}

/** Why a row was rejected, for the summary's counts. */
export type RejectKind =
  | 'column-count'
  | 'invalid-utf8'
  | 'bad-number'
  | 'bad-timezone'
  | 'field-too-long'
  | 'unreadable-csv'
  | 'line-too-long';

/**
 * Longest value accepted per field, in characters: a list's cell is data for an agent's
 * screen, not a document store. Longer values reject the row, naming the column.
 */
export const FIELD_LIMITS = { phone: 64, name: 200, timezone: 64, other: 2000 } as const;

export type RowResult =
  { ok: true; lead: LeadRow } | { ok: false; kind: RejectKind; field: string; reason: string };

export interface RowDefaults {
  defaultRegion: string;
  /** Zone for numbers whose country is not in the zone table. */
  defaultTimezone: string;
}

/** Validates and normalises one record; the first fault is reported, naming its column. */
export function prepareRow(fields: string[], cols: ColumnMap, d: RowDefaults): RowResult {
  if (fields.length !== cols.header.length) {
    return {
      ok: false,
      kind: 'column-count',
      field: '(row)',
      reason: `the row has ${fields.length} fields; the header has ${cols.header.length}`,
    };
  }
  // Invalid UTF-8 bytes were decoded as U+FFFD; the value cannot be trusted, so the row is refused.
  const garbled = fields.findIndex((f) => f.includes('\uFFFD'));
  if (garbled >= 0) {
    return {
      ok: false,
      kind: 'invalid-utf8',
      field: cols.header[garbled] ?? '?',
      reason: `${cols.header[garbled] ?? 'a field'} holds invalid UTF-8 bytes (is this value Latin-1 or GBK?)`,
    };
  }
  const tooLong = overLimit(fields, cols);
  if (tooLong) return tooLong;
  const phoneText = fields[cols.phone] ?? '';
  const phone = normalisePhone(phoneText, d.defaultRegion);
  if (!phone.ok)
    return {
      ok: false,
      kind: 'bad-number',
      field: cols.header[cols.phone] ?? 'phone',
      reason: `phone number "${phoneText.trim()}": ${phone.reason}`,
    };
  let zone = zoneForNumber(phone.country, phone.nationalNumber, d.defaultTimezone);
  const tzText = cols.timezone === undefined ? '' : (fields[cols.timezone] ?? '').trim();
  if (tzText !== '') {
    if (!IANAZone.isValidZone(tzText)) {
      return {
        ok: false,
        kind: 'bad-timezone',
        field: cols.header[cols.timezone ?? 0] ?? 'timezone',
        reason: `unknown time zone "${tzText}" (use an IANA name such as America/New_York)`,
      };
    }
    zone = { zone: tzText, source: 'explicit' };
  }
  const attributes: Record<string, string> = {};
  cols.header.forEach((h, i) => {
    const v = fields[i];
    if (i !== cols.phone && i !== cols.timezone && i !== cols.name && v !== undefined && v !== '')
      attributes[h] = v;
  });
  const name = cols.name === undefined ? '' : (fields[cols.name] ?? '').trim();
  return {
    ok: true,
    lead: {
      phone: phone.e164,
      timezone: zone.zone,
      timezoneSource: zone.source,
      name: name || null,
      attributes,
    },
  };
}

function limitOf(i: number, cols: ColumnMap): number {
  if (i === cols.phone) return FIELD_LIMITS.phone;
  if (i === cols.name) return FIELD_LIMITS.name;
  if (i === cols.timezone) return FIELD_LIMITS.timezone;
  return FIELD_LIMITS.other;
}

/** The first field longer than its limit, as a reject naming the column. */
function overLimit(fields: string[], cols: ColumnMap): RowResult | undefined {
  const i = fields.findIndex((f, k) => f.length > limitOf(k, cols));
  if (i < 0) return undefined;
  const column = cols.header[i] ?? `column ${i + 1}`;
  return {
    ok: false,
    kind: 'field-too-long',
    field: column,
    reason: `${column} is ${(fields[i] ?? '').length} characters long; at most ${limitOf(i, cols)} are allowed`,
  };
}
