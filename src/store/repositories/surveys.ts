import type { Knex } from 'knex';
import type { SurveyStatus } from '../../domain/campaign/survey-machine.js';
import type { StoredAnswer, SurveyCallRef, SurveyLog } from '../../ports/surveys.js';

export type { StoredAnswer, SurveyCallRef } from '../../ports/surveys.js';

/** Survey results in Postgres: a row per answered agentless call and a row per key or silence. */
export class SurveyRepository implements SurveyLog {
  constructor(private readonly db: Knex) {}

  async started(ref: SurveyCallRef, at: Date): Promise<void> {
    await this.db('survey_calls')
      .insert({ call_id: ref.callId, campaign_id: ref.campaignId, lead_id: ref.leadId, started_at: at })
      .onConflict('call_id')
      .ignore();
  }

  /** Stores one key press or silence; a repeat of the same attempt is ignored. */
  async answer(ref: SurveyCallRef, a: StoredAnswer): Promise<void> {
    await this.db('survey_answers')
      .insert({
        call_id: ref.callId,
        campaign_id: ref.campaignId,
        lead_id: ref.leadId,
        question: a.question,
        digit: a.digit,
        kind: a.kind,
        attempt: a.attempt,
        at: a.at,
      })
      .onConflict(['call_id', 'question', 'attempt'])
      .ignore();
  }

  /** The script ended: its status and how many questions got a valid key (counted from the rows). */
  async finished(callId: string, status: SurveyStatus, at: Date): Promise<void> {
    const answered = this.db('survey_answers')
      .where({ call_id: callId, kind: 'answer' })
      .countDistinct('question');
    await this.db('survey_calls')
      .where({ call_id: callId })
      .update({ status, ended_at: at, answered: this.db.raw('(?)', [answered]) });
  }

  async answersOf(callId: string): Promise<StoredAnswer[]> {
    return this.db('survey_answers')
      .where({ call_id: callId })
      .orderBy('at')
      .orderBy('id')
      .select<StoredAnswer[]>('question', 'digit', 'kind', 'attempt', 'at');
  }
}
