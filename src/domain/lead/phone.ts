import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type PhoneResult =
  | { ok: true; e164: string; country: string | undefined; nationalNumber: string }
  | { ok: false; reason: string };

/**
 * Normalises a number as written in a list (spaces, dashes, brackets, a leading 00 or +) to E.164,
 * reading national numbers in `defaultRegion`. Numbers must be valid for their country (per
 * libphonenumber's metadata), not merely of plausible length.
 */
export function normalisePhone(raw: string, defaultRegion: string): PhoneResult {
  const text = raw.trim().replace(/^00(?=[1-9])/, '+');
  if (text === '') return { ok: false, reason: 'empty' };
  if (/[a-z]/i.test(text.replace(/\s*(ext\.?|x)\s*\d+$/i, '')))
    return { ok: false, reason: 'contains letters' };
  const parsed = parsePhoneNumberFromString(text, defaultRegion.toUpperCase() as CountryCode);
  if (!parsed) return { ok: false, reason: 'not a phone number' };
  if (!parsed.isPossible()) return { ok: false, reason: 'wrong length for the country' };
  if (!parsed.isValid()) {
    const where = parsed.country ? `for ${parsed.country}` : 'in any country';
    return { ok: false, reason: `not a valid number ${where}` };
  }
  return { ok: true, e164: parsed.number, country: parsed.country, nationalNumber: parsed.nationalNumber };
}
