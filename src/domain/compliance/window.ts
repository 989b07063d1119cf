import { DateTime } from 'luxon';
import type { CallingWindow } from './profiles.js';

/** How far ahead `nextAllowedTime` looks before concluding the window never opens. */
const SEARCH_DAYS = 400;

function hm(s: string): { hour: number; minute: number } {
  const [h, m] = s.split(':').map(Number);
  return { hour: h ?? 0, minute: m ?? 0 };
}

/** The zone the window is read in: the callee's own, unless the profile fixes one (CN: Beijing). */
export function windowZone(window: CallingWindow, calleeZone: string): string {
  return window.zone === 'callee' ? calleeZone : window.zone;
}

/**
 * The window's opening and closing instants on the local calendar day `day`. Built from local
 * wall-clock fields, so a DST change (which moves midnight-to-instant offsets) cannot shift it.
 */
function dayBounds(day: DateTime, window: CallingWindow): { open: DateTime; close: DateTime } {
  const open = day.set({ ...hm(window.start), second: 0, millisecond: 0 });
  const close =
    window.end === '24:00'
      ? day.plus({ days: 1 }).startOf('day')
      : day.set({ ...hm(window.end), second: 0, millisecond: 0 });
  return { open, close };
}

function dayAllowed(day: DateTime, window: CallingWindow, holidays: ReadonlySet<string>): boolean {
  return window.days.includes(day.weekday) && !holidays.has(day.toISODate() ?? '');
}

/**
 * The earliest instant ≥ `from` at which a call to a callee in `calleeZone` is inside the window,
 * or `null` when it never opens (no weekday allowed, or every day a holiday for a year).
 * Holidays are local calendar dates (YYYY-MM-DD) in the window's zone.
 */
export function nextAllowedTime(
  from: Date,
  calleeZone: string,
  window: CallingWindow,
  holidays: readonly string[] = [],
): Date | null {
  const zone = windowZone(window, calleeZone);
  const t = DateTime.fromJSDate(from, { zone });
  if (!t.isValid) throw new RangeError(`invalid time zone "${zone}"`);
  const hol = new Set(holidays);
  let day = t.startOf('day');
  for (let i = 0; i < SEARCH_DAYS; i += 1, day = day.plus({ days: 1 }).startOf('day')) {
    if (!dayAllowed(day, window, hol)) continue;
    const { open, close } = dayBounds(day, window);
    if (t < open) return open.toJSDate();
    if (t < close) return from;
  }
  return null;
}

export function isWithinWindow(
  at: Date,
  calleeZone: string,
  window: CallingWindow,
  holidays: readonly string[] = [],
): boolean {
  return nextAllowedTime(at, calleeZone, window, holidays)?.getTime() === at.getTime();
}

/** The start of the local calendar day after `at` in `zone` (per-day attempt counters reset then). */
export function startOfNextLocalDay(at: Date, zone: string): Date {
  return DateTime.fromJSDate(at, { zone }).plus({ days: 1 }).startOf('day').toJSDate();
}

/** The local calendar date (YYYY-MM-DD) of `at` in `zone`. */
export function localDate(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate() ?? '';
}
