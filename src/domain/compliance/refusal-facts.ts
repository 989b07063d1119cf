import { DateTime } from 'luxon';
import type { GateInput } from './gate.js';
import { localDate, windowZone } from './window.js';

/** JSON-safe facts a refusal rests on, kept with it (`gate_refusals.facts`). */
export type RefusalFacts = Record<string, string | number | boolean | null | readonly string[]>;

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * The facts the gate used for a refusal: what every reason needs (the lead's time zone and the
 * attempts it has made), then the facts of the rule that refused — the DNC types found, the last
 * same-purpose contact and the cap, the window and the local time, the day's or the callee's
 * attempts. Enough for a compliance report to show why, without the whole input (a refused
 * attempt is a row of a table that grows by millions).
 */
export function refusalFacts(i: GateInput, reason: string): RefusalFacts {
  const base: RefusalFacts = { timezone: i.lead.timezone, attempts: i.lead.attempts };
  if (reason.startsWith('dnc:')) return { ...base, dncTypes: i.dncHits, purpose: i.rules.purpose };
  const zone = windowZone(i.rules.window, i.lead.timezone);
  switch (reason) {
    case 'campaign-not-dialling':
    case 'not-in-trial-sample':
      return { ...base, campaignScope: i.campaignScope ?? 'all', trialSample: i.lead.trialSample ?? false };
    case 'blacklist':
      return { ...base, blacklisted: true };
    case 'max-attempts':
      return { ...base, maxAttempts: i.rules.maxAttempts };
    case 'frequency-cap':
      return {
        ...base,
        lastContactSamePurposeAt: iso(i.lastContactSamePurposeAt),
        frequencyCapDays: i.rules.frequencyCapDays,
        purpose: i.rules.purpose,
      };
    case 'abandon-block':
      return {
        ...base,
        lastAbandonedAt: iso(i.lead.lastAbandonedAt),
        abandonBlockHours: i.rules.abandonBlockHours,
      };
    case 'scheduled-later':
      return { ...base, nextAttemptAt: iso(i.lead.nextAttemptAt) };
    case 'callback-later':
      return { ...base, callbackDueAt: iso(i.lead.callbackDueAt) };
    case 'max-attempts-day': {
      const day = localDate(i.now, zone);
      const today = i.recentAttempts.filter((a) => a.sameLead && localDate(a.at, zone) === day).length;
      return { ...base, attemptsToday: today, maxAttemptsPerDay: i.rules.maxAttemptsPerDay, localDay: day };
    }
    case 'callee-limit':
      return {
        ...base,
        recentAttemptsToNumber: i.recentAttempts.map((a) => a.at.toISOString()),
        limits: i.rules.calleeLimits.map((l) => `${l.max} per ${l.windowMinutes} min`),
      };
    case 'outside-window':
    case 'window-never-opens':
      return {
        ...base,
        windowZone: zone,
        window: `${i.rules.window.start}-${i.rules.window.end}`,
        localTime: localTime(i.now, zone),
        holidays: i.rules.holidays,
      };
    default:
      return base;
  }
}

function localTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm ccc');
}
