import type { Knex } from 'knex';
import { surveySchema } from '../domain/campaign/survey.js';
import { getCampaign } from '../store/repositories/campaigns.js';

/** One question's tally. */
export interface QuestionResult {
  question: string;
  text?: string;
  rating: boolean;
  /** Calls with at least one key or silence on this question. */
  asked: number;
  /** Calls that gave it a valid key. */
  answered: number;
  /** Asked, but no valid key (given up after the retries, or left during the question). */
  noValidAnswer: number;
  /** Valid key → calls. */
  answers: Record<string, number>;
  /** Invalid key presses and silences (timeouts), counted per attempt. */
  invalidKeys: number;
  silences: number;
  /** Rating questions: the mean of the valid keys. */
  mean?: number;
}

export interface SurveyResults {
  campaign: { id: number; code: string };
  /** Answered agentless calls by how their survey ended (`in-progress` while a call is up). */
  calls: Record<string, number>;
  questions: QuestionResult[];
}

/** Counts per question and answer for one campaign, from `survey_answers` and `survey_calls`. */
export async function surveyResults(db: Knex, campaign: string | number): Promise<SurveyResults> {
  const c = await getCampaign(db, campaign);
  if (c.settings['survey'] === undefined) {
    throw new Error(
      `campaign ${c.code} has no survey (it is a ${c.dial_mode} campaign): survey results exist only for agentless campaigns with a survey section — see config/campaign.survey.example.yaml`,
    );
  }
  const parsed = surveySchema.safeParse(c.settings['survey']);
  const defined = parsed.success ? parsed.data.questions : [];
  const calls: Record<string, number> = {};
  const statusRows = await db('survey_calls')
    .where({ campaign_id: c.id })
    .groupBy('status')
    .select<{ status: string; n: number }[]>('status', db.raw('count(*)::int as n'));
  for (const r of statusRows) calls[r.status] = r.n;

  const rows = await db('survey_answers')
    .where({ campaign_id: c.id })
    .groupBy('question', 'kind', 'digit')
    .select<{ question: string; kind: string; digit: string | null; n: number; calls: number }[]>(
      'question',
      'kind',
      'digit',
      db.raw('count(*)::int as n'),
      db.raw('count(distinct call_id)::int as calls'),
    );
  const asked = await db('survey_answers')
    .where({ campaign_id: c.id })
    .groupBy('question')
    .select<{ question: string; n: number }[]>('question', db.raw('count(distinct call_id)::int as n'));

  const order = [...defined.map((q) => q.key), ...asked.map((a) => a.question)];
  const questions = [...new Set(order)].map((key): QuestionResult => {
    const q = defined.find((d) => d.key === key);
    const mine = rows.filter((r) => r.question === key);
    const answers: Record<string, number> = {};
    let answered = 0;
    let sum = 0;
    for (const r of mine.filter((m) => m.kind === 'answer' && m.digit !== null)) {
      answers[r.digit ?? ''] = r.calls;
      answered += r.calls;
      sum += Number(r.digit) * r.calls;
    }
    const askedN = asked.find((a) => a.question === key)?.n ?? 0;
    const count = (kind: string) => mine.filter((m) => m.kind === kind).reduce((s, m) => s + m.n, 0);
    const rating = q?.rating ?? false;
    return {
      question: key,
      ...(q?.text ? { text: q.text } : {}),
      rating,
      asked: askedN,
      answered,
      noValidAnswer: askedN - answered,
      answers,
      invalidKeys: count('invalid'),
      silences: count('no-input'),
      ...(rating && answered > 0 ? { mean: sum / answered } : {}),
    };
  });
  return { campaign: { id: c.id, code: c.code }, calls, questions };
}

/** The report as text: call statuses, then each question with its keys, counts and shares. */
export function formatSurveyResults(r: SurveyResults): string {
  const lines = [`survey results for campaign ${r.campaign.code} (#${r.campaign.id})`];
  const statuses = Object.entries(r.calls).sort(([a], [b]) => a.localeCompare(b));
  lines.push(
    statuses.length === 0
      ? 'no answered calls yet'
      : `answered calls: ${statuses.map(([s, n]) => `${s} ${n}`).join(', ')}`,
  );
  for (const q of r.questions) {
    lines.push('', `${q.question}${q.text ? ` — ${q.text}` : ''}${q.rating ? ' (rating)' : ''}`);
    lines.push(
      `  asked ${q.asked}, answered ${q.answered}, no valid answer ${q.noValidAnswer} ` +
        `(invalid keys ${q.invalidKeys}, silences ${q.silences})` +
        (q.mean !== undefined ? `; mean ${q.mean.toFixed(2)}` : ''),
    );
    const keys = Object.keys(q.answers).sort();
    if (keys.length > 0) lines.push('  key  calls  share');
    for (const k of keys) {
      const n = q.answers[k] ?? 0;
      lines.push(
        `  ${k.padEnd(4)} ${String(n).padStart(5)}  ${((100 * n) / q.answered).toFixed(0).padStart(4)}%`,
      );
    }
  }
  return lines.join('\n');
}
