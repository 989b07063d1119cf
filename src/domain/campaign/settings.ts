import { IANAZone } from 'luxon';
import { z } from 'zod';
import { callerIdNameSchema } from '../caller-id.js';
import { COMPLIANCE_PROFILE_NAMES, COMPLIANCE_PROFILES, type CallingWindow } from '../compliance/profiles.js';
import { engineSettingsSchema } from './engine-settings.js';
import { DIAL_MODES } from './dial-mode.js';
import { CAMPAIGN_PURPOSES } from './purpose.js';
import { DEFAULT_RETRY_RULES, RETRY_OUTCOMES, type RetryRules } from './retry.js';
import { DEFAULT_SECOND_CONFIRMATION, type SecondConfirmationPolicy } from './second-confirmation.js';
import { surveySchema } from './survey.js';

const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'use HH:mm (00:00–24:00)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');
const zoneName = z.string().refine((s) => s === 'callee' || IANAZone.isValidZone(s), {
  message: 'must be "callee" or an IANA time zone such as Asia/Shanghai',
});
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15551234567');
const minutesOrNever = z.number().int().min(0).nullable();

const windowSchema = z
  .object({
    start: hhmm,
    end: hhmm,
    days: z.array(z.number().int().min(1).max(7)).min(1, 'allow at least one weekday (1=Mon … 7=Sun)'),
    zone: zoneName,
  })
  .strict()
  .partial()
  .refine((w) => w.start === undefined || w.end === undefined || w.start < w.end, {
    message: 'start must be before end',
    path: ['end'],
  });

/** The rule part of a campaign, stored in `campaigns.settings`; unset values come from the profile. */
const rulesShape = {
  purpose: z.enum(CAMPAIGN_PURPOSES),
  profile: z.enum(COMPLIANCE_PROFILE_NAMES).default('us'),
  dialMode: z.enum(DIAL_MODES).default('progressive'),
  window: windowSchema.optional(),
  holidays: z.array(isoDate).default([]),
  dispositions: z
    .array(z.string().min(1))
    .min(1)
    .default(['sale', 'no-sale', 'callback', 'wrong-party', 'dnc']),
  retry: z.partialRecord(z.enum(RETRY_OUTCOMES), minutesOrNever).default({}),
  maxAttemptsPerDay: z.number().int().min(1).default(3),
  maxAttempts: z.number().int().min(1).default(5),
  abandonTarget: z.number().min(0).max(0.03, 'the legal ceiling is 3% (0.03)').optional(),
  frequencyCapDays: z.number().int().min(0).default(30),
  calleeLimits: z
    .array(z.object({ max: z.number().int().min(1), windowMinutes: z.number().int().min(1) }).strict())
    .optional(),
  abandonBlockHours: z.number().min(0).optional(),
  trialSampleSize: z.number().int().min(1).default(50),
  /** Trial-period products: when the second confirmation is called, and the one extension. */
  secondConfirmation: z
    .object({
      leadHours: z
        .number()
        .min(0)
        .max(24 * 90),
      extensionDays: z.number().int().min(1).max(365),
    })
    .strict()
    .partial()
    .optional(),
};

function ukAbandonRule(
  c: { profile: string; abandonBlockHours?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (c.profile === 'uk' && c.abandonBlockHours !== undefined && c.abandonBlockHours < 72) {
    ctx.addIssue({ code: 'custom', path: ['abandonBlockHours'], message: 'the uk profile requires ≥ 72 h' });
  }
}

/** An agentless call has nothing but its survey (or notification) to play; other modes have agents. */
function surveyRule(c: { dialMode: string; survey?: unknown }, ctx: z.RefinementCtx): void {
  if (c.dialMode === 'agentless' && c.survey === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['survey'],
      message: 'an agentless campaign needs a survey (a notification is a survey without questions)',
    });
  } else if (c.dialMode !== 'agentless' && c.survey !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['survey'],
      message: `only agentless campaigns play a survey (dialMode is ${c.dialMode})`,
    });
  }
}

export const campaignRulesSchema = z.object(rulesShape).strict().superRefine(ukAbandonRule);

/** A campaign as an admin writes it (YAML/JSON): identity and presentation plus the rules. */
export const campaignInputSchema = z
  .object({
    code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes'),
    name: z.string().min(1),
    script: z.string().optional(),
    callerId: e164.optional(),
    callerIdName: callerIdNameSchema.optional(),
    /** Engine settings (ring time, wrap-up, AMD, the preview desk), stored in settings.engine. */
    engine: engineSettingsSchema.optional(),
    ...rulesShape,
    /** Agentless campaigns: what the called person hears (src/domain/campaign/survey.ts). */
    survey: surveySchema.optional(),
  })
  .strict()
  .superRefine(ukAbandonRule)
  .superRefine(surveyRule);
export type CampaignInput = z.input<typeof campaignInputSchema>;

/** Everything the gate, the retry rules and the doctor need, with profile defaults applied. */
export interface CampaignRules {
  purpose: (typeof CAMPAIGN_PURPOSES)[number];
  profile: (typeof COMPLIANCE_PROFILE_NAMES)[number];
  window: CallingWindow;
  holidays: string[];
  retry: RetryRules;
  maxAttemptsPerDay: number;
  maxAttempts: number;
  abandonTarget: number;
  frequencyCapDays: number;
  calleeLimits: { max: number; windowMinutes: number }[];
  abandonBlockHours: number;
  trialSampleSize: number;
  secondConfirmation: SecondConfirmationPolicy;
}

/** Thrown with every bad field listed, e.g. `window.end: start must be before end`. */
export class CampaignSettingsError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid campaign settings: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'CampaignSettingsError';
  }
}

/** `['survey', 'questions', 1, 'valid']` → `survey.questions[1].valid`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

function parseOrThrow<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  throw new CampaignSettingsError(
    r.error.issues.map((i) => ({ path: fieldPath(i.path) || '(root)', message: i.message })),
  );
}

export function parseCampaignInput(raw: unknown): z.output<typeof campaignInputSchema> {
  return parseOrThrow(campaignInputSchema, raw);
}

/** Parses stored rules (the `settings` jsonb merged with the rule columns). */
export function parseCampaignRules(raw: unknown): CampaignRules {
  return campaignRules(parseOrThrow(campaignRulesSchema, raw));
}

/** Applies the compliance profile's defaults to a parsed campaign. */
export function campaignRules(c: z.output<typeof campaignRulesSchema>): CampaignRules {
  const p = COMPLIANCE_PROFILES[c.profile];
  const retry: RetryRules = { ...DEFAULT_RETRY_RULES };
  for (const k of RETRY_OUTCOMES) {
    const v = c.retry[k];
    if (v !== undefined) retry[k] = v;
  }
  return {
    purpose: c.purpose,
    profile: c.profile,
    window: { ...p.window, ...c.window },
    holidays: c.holidays,
    retry,
    maxAttemptsPerDay: c.maxAttemptsPerDay,
    maxAttempts: c.maxAttempts,
    abandonTarget: c.abandonTarget ?? p.abandonTarget,
    frequencyCapDays: c.frequencyCapDays,
    calleeLimits: c.calleeLimits ?? p.calleeLimits,
    abandonBlockHours: c.abandonBlockHours ?? p.abandonBlockHours,
    trialSampleSize: c.trialSampleSize,
    secondConfirmation: { ...DEFAULT_SECOND_CONFIRMATION, ...c.secondConfirmation },
  };
}
