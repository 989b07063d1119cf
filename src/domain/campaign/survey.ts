import { z } from 'zod';

/**
 * The script of an agentless campaign: what the called person hears and which keys they may
 * press. A plain notification is a survey without questions (an intro and/or a closing); a
 * post-call satisfaction rating is one question with keys 1–5 marked `rating`.
 *
 * Sounds are PBX sound names (`sound:hello-world`, `sound:custom/spring-offer`); their alphabet
 * is kept plain because they travel through dialplan arguments and channel variables.
 */
const sound = z
  .string()
  .regex(
    /^sound:(?!.*\.\.)[A-Za-z0-9_/.-]{1,200}$/,
    'a PBX sound such as sound:hello-world (letters, digits and _ / . - only)',
  );
const key = z.string().regex(/^[0-9*#]$/, 'one key: 0–9, * or #');
const questionKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, _ and - (at most 40)');

const questionSchema = z
  .object({
    /** Stored with every answer; reports group by it. Keep it when the wording changes. */
    key: questionKey,
    /** What the prompt asks, for reports (the PBX plays `prompt`). */
    text: z.string().max(200).optional(),
    prompt: sound,
    /** Keys that answer the question. */
    valid: z
      .array(key)
      .min(1, 'list at least one key')
      .refine((keys) => new Set(keys).size === keys.length, 'a key is listed twice'),
    /** Seconds to wait for a key once the prompt has played. */
    timeoutSec: z.number().min(1).max(30).default(5),
    /** Re-prompts after an invalid key or silence before the question is given up. */
    retries: z.number().int().min(0).max(5).default(2),
    /** Played before the re-prompt after an invalid key. */
    invalid: sound.optional(),
    /** Played before the re-prompt after silence. */
    noInput: sound.optional(),
    /** Key → the question to ask next (a later one) or `end`; other keys go to the next question. */
    branch: z.record(key, z.union([questionKey, z.literal('end')])).optional(),
    /** The keys are a score (e.g. satisfaction 1–5): reports show their mean. */
    rating: z.boolean().default(false),
  })
  .strict();

export const surveySchema = z
  .object({
    intro: sound.optional(),
    questions: z.array(questionSchema).max(20, 'at most 20 questions').default([]),
    closing: sound.optional(),
    /** A key that plays the current question again (uses up one of its retries). */
    repeatKey: key.optional(),
    /** Answering machines: hang up, or leave `machineMessage` once the greeting and beep are over. */
    machine: z.enum(['hangup', 'message']).default('hangup'),
    machineMessage: sound.optional(),
    /** The call is hung up after this long whatever happens (a stuck PBX, a looping customer). */
    maxCallSec: z.number().int().min(10).max(1_800).default(300),
  })
  .strict()
  .superRefine(checkSurvey);

export type SurveyInput = z.input<typeof surveySchema>;
export type Survey = z.output<typeof surveySchema>;
export type SurveyQuestion = Survey['questions'][number];

function checkSurvey(s: z.output<typeof surveySchema>, ctx: z.RefinementCtx): void {
  if (s.questions.length === 0 && !s.intro && !s.closing) {
    ctx.addIssue({
      code: 'custom',
      path: ['intro'],
      message: 'a survey without questions (a notification) needs an intro or a closing message',
    });
  }
  if (s.machine === 'message' && !s.machineMessage) {
    ctx.addIssue({ code: 'custom', path: ['machineMessage'], message: 'required when machine is "message"' });
  }
  const seen = new Map<string, number>();
  s.questions.forEach((q, i) => {
    const first = seen.get(q.key);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['questions', i, 'key'],
        message: `"${q.key}" is already the key of questions[${first}]`,
      });
    } else seen.set(q.key, i);
    if (s.repeatKey && q.valid.includes(s.repeatKey)) {
      ctx.addIssue({
        code: 'custom',
        path: ['questions', i, 'valid'],
        message: `"${s.repeatKey}" is the repeatKey; it cannot also be an answer`,
      });
    }
    for (const [k, target] of Object.entries(q.branch ?? {})) {
      if (!q.valid.includes(k)) {
        ctx.addIssue({
          code: 'custom',
          path: ['questions', i, 'branch', k],
          message: `key ${k} is not one of valid (${q.valid.join(', ')})`,
        });
      }
      if (target === 'end') continue;
      const at = s.questions.findIndex((other) => other.key === target);
      if (at <= i) {
        ctx.addIssue({
          code: 'custom',
          path: ['questions', i, 'branch', k],
          message:
            at < 0
              ? `no question has the key "${target}"`
              : `"${target}" is not after this question (branches only go forward)`,
        });
      }
    }
  });
}

/** Where a valid key leads: the index of the next question, or `questions.length` for the end. */
export function nextQuestion(survey: Survey, index: number, digit: string): number {
  const target = survey.questions[index]?.branch?.[digit];
  if (target === undefined) return index + 1;
  if (target === 'end') return survey.questions.length;
  const at = survey.questions.findIndex((q) => q.key === target);
  return at > index ? at : index + 1;
}
