import { nanpZone } from './nanp-zones.js';

/**
 * Where a lead's time zone came from, stored in `leads.timezone_source`:
 * `explicit` (a `timezone` column), `area-code` (NANP table), `country` (one-zone country),
 * `country-default` (several zones; the most populous one is used), `import-default` (the
 * country is unknown to the table; the import's default zone is used).
 */
export type TimezoneSource = 'explicit' | 'area-code' | 'country' | 'country-default' | 'import-default';

/** Countries spanning several zones: their entry is the most populous zone, marked `country-default`. */
const MULTI_ZONE = new Set(['US', 'CA', 'MX', 'BR', 'RU', 'AU', 'ID', 'KZ', 'CL', 'MN', 'CD', 'PT', 'ES']);

const COUNTRY_ZONE: Readonly<Record<string, string>> = {
  US: 'America/New_York',
  CA: 'America/Toronto',
  MX: 'America/Mexico_City',
  BR: 'America/Sao_Paulo',
  RU: 'Europe/Moscow',
  AU: 'Australia/Sydney',
  ID: 'Asia/Jakarta',
  KZ: 'Asia/Almaty',
  CL: 'America/Santiago',
  MN: 'Asia/Ulaanbaatar',
  CD: 'Africa/Kinshasa',
  PT: 'Europe/Lisbon',
  ES: 'Europe/Madrid',
  CN: 'Asia/Shanghai',
  HK: 'Asia/Hong_Kong',
  MO: 'Asia/Macau',
  TW: 'Asia/Taipei',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  SG: 'Asia/Singapore',
  MY: 'Asia/Kuala_Lumpur',
  TH: 'Asia/Bangkok',
  VN: 'Asia/Ho_Chi_Minh',
  PH: 'Asia/Manila',
  IN: 'Asia/Kolkata',
  PK: 'Asia/Karachi',
  BD: 'Asia/Dhaka',
  AE: 'Asia/Dubai',
  SA: 'Asia/Riyadh',
  IL: 'Asia/Jerusalem',
  TR: 'Europe/Istanbul',
  EG: 'Africa/Cairo',
  ZA: 'Africa/Johannesburg',
  NG: 'Africa/Lagos',
  KE: 'Africa/Nairobi',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  IT: 'Europe/Rome',
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  CH: 'Europe/Zurich',
  AT: 'Europe/Vienna',
  SE: 'Europe/Stockholm',
  NO: 'Europe/Oslo',
  DK: 'Europe/Copenhagen',
  FI: 'Europe/Helsinki',
  PL: 'Europe/Warsaw',
  CZ: 'Europe/Prague',
  HU: 'Europe/Budapest',
  RO: 'Europe/Bucharest',
  GR: 'Europe/Athens',
  UA: 'Europe/Kyiv',
  AR: 'America/Argentina/Buenos_Aires',
  CO: 'America/Bogota',
  PE: 'America/Lima',
  NZ: 'Pacific/Auckland',
  PR: 'America/Puerto_Rico',
};

export interface ZoneGuess {
  zone: string;
  source: TimezoneSource;
}

/**
 * The callee's zone from the number alone: NANP area codes first, then the country table.
 * `country` is libphonenumber's region (undefined for numbers it cannot place).
 */
export function zoneForNumber(
  country: string | undefined,
  nationalNumber: string,
  fallbackZone: string,
): ZoneGuess {
  if (country === 'US' || country === 'CA') {
    const zone = nanpZone(nationalNumber.slice(0, 3));
    if (zone) return { zone, source: 'area-code' };
  }
  const zone = country ? COUNTRY_ZONE[country] : undefined;
  if (!zone) return { zone: fallbackZone, source: 'import-default' };
  return { zone, source: MULTI_ZONE.has(country ?? '') ? 'country-default' : 'country' };
}
