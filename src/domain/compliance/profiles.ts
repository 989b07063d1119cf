/** A per-callee attempt limit: at most `max` dial attempts to one number within `windowMinutes`. */
export interface CalleeLimit {
  max: number;
  windowMinutes: number;
}

/** When calls may be placed, in local time of `zone` (`callee` = the lead's own time zone). */
export interface CallingWindow {
  /** `HH:mm`, inclusive. */
  start: string;
  /** `HH:mm`, exclusive; `24:00` means midnight at the end of the day. */
  end: string;
  /** ISO weekdays allowed, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** `callee` or an IANA zone that overrides the callee's (CN rules are in Beijing time). */
  zone: string;
}

/** Regulator/carrier defaults a campaign starts from; every value can be overridden per campaign. */
export interface ComplianceProfile {
  window: CallingWindow;
  calleeLimits: CalleeLimit[];
  /** No redial within this many hours after an abandoned call unless a live agent is reserved. */
  abandonBlockHours: number;
  abandonTarget: number;
}

export const COMPLIANCE_PROFILE_NAMES = ['us', 'uk', 'cn'] as const;
export type ComplianceProfileName = (typeof COMPLIANCE_PROFILE_NAMES)[number];

const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];

export const COMPLIANCE_PROFILES: Readonly<Record<ComplianceProfileName, ComplianceProfile>> = {
  // FCC/FTC: 08:00–21:00 callee local time; 3% abandon per 30 days.
  us: {
    window: { start: '08:00', end: '21:00', days: ALL_DAYS, zone: 'callee' },
    calleeLimits: [],
    abandonBlockHours: 72,
    abandonTarget: 0.03,
  },
  // Ofcom: no repeat within 72 h of an abandon unless a live agent is guaranteed.
  uk: {
    window: { start: '08:00', end: '21:00', days: ALL_DAYS, zone: 'callee' },
    calleeLimits: [],
    abandonBlockHours: 72,
    abandonTarget: 0.03,
  },
  // CN carriers/platforms: 08:00–21:00 Beijing time; ≤ 5 per 24 h and ≤ 3 per 5 min per callee.
  cn: {
    window: { start: '08:00', end: '21:00', days: ALL_DAYS, zone: 'Asia/Shanghai' },
    calleeLimits: [
      { max: 5, windowMinutes: 24 * 60 },
      { max: 3, windowMinutes: 5 },
    ],
    abandonBlockHours: 72,
    abandonTarget: 0.03,
  },
};
