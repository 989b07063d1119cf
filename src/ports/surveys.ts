import type { AnswerKind, SurveyStatus } from '../domain/campaign/survey-machine.js';

/** Which call an answer belongs to. */
export interface SurveyCallRef {
  callId: string;
  campaignId: number;
  leadId: number;
}

export interface StoredAnswer {
  question: string;
  digit: string | null;
  kind: AnswerKind;
  attempt: number;
  at: Date;
}

/** Survey results (store/repositories/surveys.ts): a row per answered call, one per key or silence. */
export interface SurveyLog {
  started(ref: SurveyCallRef, at: Date): Promise<void>;
  /** Stores one key press or silence; a repeat of the same attempt is ignored. */
  answer(ref: SurveyCallRef, a: StoredAnswer): Promise<void>;
  finished(callId: string, status: SurveyStatus, at: Date): Promise<void>;
}
