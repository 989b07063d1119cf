import { z } from 'zod';

/**
 * Why an agent did not dial the lead offered to them, and what happens to the lead then:
 * `later` puts it back to be offered again after the campaign's skip delay (the attempt is
 * not counted); `close` ends the lead without a call — the pre-call checks of the handbooks
 * (the customer already has the product or an exclusive one, the record is wrong).
 */
export const SKIP_REASONS = {
  'not-now': { label: 'Not a good moment for this customer', lead: 'later' },
  'needs-research': { label: 'The record needs checking before calling', lead: 'later' },
  'existing-customer': {
    label: 'Pre-call check: already has the product or an exclusive one',
    lead: 'close',
  },
  'bad-record': { label: 'The record is wrong or incomplete', lead: 'close' },
  other: { label: 'Other (a note is required)', lead: 'later' },
} as const satisfies Record<string, { label: string; lead: 'later' | 'close' }>;

export type SkipReason = keyof typeof SKIP_REASONS;
export const SKIP_REASON_CODES = Object.keys(SKIP_REASONS) as [SkipReason, ...SkipReason[]];

const skipSchema = z
  .object({
    offerId: z
      .number({
        error: (i) =>
          i.input === undefined ? 'required: the id of the offer being skipped' : 'must be a number',
      })
      .int('must be a whole number')
      .positive('must be a positive offer id'),
    reason: z.enum(SKIP_REASON_CODES, { error: `must be one of ${SKIP_REASON_CODES.join(', ')}` }),
    note: z.string().trim().min(1, 'must not be empty').max(500).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.reason === 'other' && !v.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'required when reason is "other"' });
  });

export type SkipRequest = z.output<typeof skipSchema>;

/** Validates a skip request; the error names every bad field (`reason: must be one of …`). */
export function parseSkip(raw: unknown): { ok: true; value: SkipRequest } | { ok: false; message: string } {
  const r = skipSchema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    message: r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
  };
}

export type LeadAfterSkip = { kind: 'later'; at: Date } | { kind: 'close' };

/** Where a skipped lead goes: back after `retryMinutes`, or closed for the reasons that end it. */
export function leadAfterSkip(reason: SkipReason, now: Date, retryMinutes: number): LeadAfterSkip {
  if (SKIP_REASONS[reason].lead === 'close') return { kind: 'close' };
  return { kind: 'later', at: new Date(now.getTime() + retryMinutes * 60_000) };
}
