import type { IneligibleReason, RuleWait, WindowOpening } from '../ports/diagnosis.js';

/** One group of leads held back by one rule, as the doctor found it. */
export interface HeldLeads {
  rule: IneligibleReason;
  leads: number;
  nextEligibleAt?: Date | null;
  /** The lead's time zone (per-zone window openings). */
  timezone?: string;
  /** Counted from the leads' stored refusal rather than the gate's answer now. */
  stored?: boolean;
}

const earlier = (a: Date | null, b: Date | null | undefined): Date | null => (b && (!a || b < a) ? b : a);

/**
 * Adds up held-back leads by rule (count, earliest next eligible time, how many from stored
 * refusals) and, for the window, by time zone. Pure: the diagnosis feeds it groups from the gate
 * and from `gate_refusals`.
 */
export class RuleTally {
  private readonly rules = new Map<IneligibleReason, RuleWait>();
  private readonly zones = new Map<string, WindowOpening>();

  add(h: HeldLeads): void {
    if (h.leads <= 0) return;
    const w = this.rules.get(h.rule) ?? {
      rule: h.rule,
      leads: 0,
      nextEligibleAt: null,
      fromStoredRefusals: 0,
    };
    w.leads += h.leads;
    w.nextEligibleAt = earlier(w.nextEligibleAt, h.nextEligibleAt);
    if (h.stored) w.fromStoredRefusals += h.leads;
    this.rules.set(h.rule, w);
    if (h.rule === 'outside-window' && h.nextEligibleAt && h.timezone) {
      const z = this.zones.get(h.timezone) ?? { timezone: h.timezone, leads: 0, opensAt: h.nextEligibleAt };
      z.leads += h.leads;
      if (h.nextEligibleAt < z.opensAt) z.opensAt = h.nextEligibleAt;
      this.zones.set(h.timezone, z);
    }
  }

  /** By rule, most leads first (ties by rule name). */
  waits(): RuleWait[] {
    return [...this.rules.values()].sort((a, b) => b.leads - a.leads || a.rule.localeCompare(b.rule));
  }

  /** Leads per rule, as `CampaignDiagnosis.ineligible`. */
  counts(): Partial<Record<IneligibleReason, number>> {
    return Object.fromEntries(this.waits().map((w) => [w.rule, w.leads]));
  }

  /** Per time zone, the earliest opening first. */
  windowOpens(): WindowOpening[] {
    return [...this.zones.values()].sort(
      (a, b) => a.opensAt.getTime() - b.opensAt.getTime() || a.timezone.localeCompare(b.timezone),
    );
  }

  /** The earliest opening of the window for any lead waiting for it. */
  windowOpensAt(): Date | null {
    return this.windowOpens()[0]?.opensAt ?? null;
  }
}
