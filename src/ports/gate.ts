import type { DialAttempt, GateVerdict } from '../domain/attempt.js';

/** The compliance gate, asked just before each originate (so a DNC entry added a second ago wins). */
export interface GatePort {
  check(attempt: Pick<DialAttempt, 'leadId' | 'callId'>, now: Date): Promise<GateVerdict>;
}
