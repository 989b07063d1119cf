/**
 * The attempt ledger: the one store module that writes `leads` and `callbacks`. Every change of a
 * lead after its insert is an event of its life (domain/lead/lifecycle.ts) applied here.
 */
export { PgAttemptLedger } from './pg-attempt-ledger.js';
export { claimLeads, strandedAttempts } from './claim.js';
export { applyLeadEvent, type LeadRef, type TransitionResult } from './transition.js';
export { applyDisposition } from './disposition-effects.js';
export { scheduleCallback, scheduleTrialConfirmation, dueCallbacks } from './schedule.js';
export type { CallbackKind, NewScheduledCall, PendingCallRow } from './scheduled-calls.js';
export { insertLeadBatch, markTrialSample, type BatchResult, type NewLead } from './new-leads.js';
