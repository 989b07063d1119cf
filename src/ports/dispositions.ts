/**
 * Stores an agent's disposition of a call and applies it, atomically: the disposition row, a DNC
 * entry when asked, the lead's next step and its callback or second confirmation (through the
 * attempt ledger), and an audit record (store/dispositions.ts). Throws DispositionError.
 */
export interface DispositionLog {
  /** `actor`: who submitted it (`user:alice`, `key:crm`; a supervisor acting for the agent). */
  submit(callId: string, agentId: number, raw: unknown, now: Date, actor?: string): Promise<{ id: number }>;
}
