import type { RefusalFacts } from '../domain/compliance/refusal-facts.js';

/** One stored refusal of the compliance gate (store/gate-refusals.ts). */
export interface StoredRefusal {
  /** The refused attempt's id (`c<campaign>-l<lead>-a<attempt>`). */
  callId: string;
  attempt: number;
  reason: string;
  facts: RefusalFacts;
  decidedAt: Date;
  /** From when the gate would let it through (absent: a rule that ended the lead, or unknown). */
  nextEligibleAt: Date | null;
}

/** A lead with a number, the calls made to it, and why the gate refused the others. */
export interface LeadRefusals {
  leadId: number;
  campaignId: number;
  campaignCode: string;
  phone: string;
  status: string;
  nextAttemptAt: Date | null;
  /** Call rows of the lead (attempts that were dialled). */
  calls: number;
  refusals: StoredRefusal[];
}

/** "Why was +… never called, and when was that decided": the stored refusals of a number or lead. */
export interface RefusalHistory {
  ofPhone(phoneE164: string, limit?: number): Promise<LeadRefusals[]>;
  ofLead(leadId: number, limit?: number): Promise<LeadRefusals | undefined>;
}
