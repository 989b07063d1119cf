import { z } from 'zod';

/** Codes every campaign understands; a campaign may add its own in settings.dispositions. */
export const BASE_DISPOSITIONS = [
  'sale',
  'appointment',
  'completed',
  'not-interested',
  'callback',
  'wrong-party',
  'do-not-call',
  'no-decision-maker',
  'complaint',
] as const;

/** A date-time from JSON: an ISO 8601 string (or epoch ms); the error says what to send. */
const dateTime = z.coerce.date({
  error: 'expected an ISO 8601 date-time with its offset, e.g. 2026-12-04T15:30:00+08:00',
});

export const dispositionInput = z
  .object({
    code: z.string().min(1).max(40),
    notes: z.string().max(4000).optional(),
    /** Two-step verbal confirmation and the other scripted checks the agent ticked. */
    consent: z
      .object({
        rightParty: z.boolean().optional(),
        understood: z.boolean().optional(),
        scriptFollowed: z.boolean().optional(),
        firstConfirmation: z.boolean().optional(),
        secondConfirmation: z.boolean().optional(),
        restated: z.boolean().optional(),
      })
      .strict()
      .default({}),
    callbackAt: dateTime.optional(),
    callbackOwner: z.enum(['agent', 'anyone']).default('anyone'),
    dncRequested: z.boolean().default(false),
    sale: z.record(z.string(), z.unknown()).optional(),
    /** Trial-period product: when the trial ends, so the second-confirmation call is scheduled. */
    trialEndsAt: dateTime.optional(),
    satisfaction: z.number().int().min(1).max(5).optional(),
  })
  .strict();

export type DispositionInput = z.input<typeof dispositionInput>;
export type Disposition = z.output<typeof dispositionInput>;

/** A disposition that cannot be stored, with the HTTP status it maps to. */
export class DispositionError extends Error {
  override readonly name = 'DispositionError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
  }
}

/** Parses an agent's disposition; the error names every bad field. */
export function parseDisposition(raw: unknown): Disposition {
  const parsed = dispositionInput.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new DispositionError(
    parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    400,
  );
}

/**
 * Pure: whether this agent may store this disposition on this call. A sale without both
 * confirmations is refused — it would not be a valid sale (standard 4).
 */
export function checkDisposition(
  d: Disposition,
  call: { id: string; agentId: number | null; extraCodes: readonly string[] },
  agentId: number,
  now: Date,
): void {
  if (call.agentId !== agentId)
    throw new DispositionError(`call ${call.id} was not taken by this agent`, 409);
  const allowed = new Set<string>([...BASE_DISPOSITIONS, ...call.extraCodes]);
  if (!allowed.has(d.code))
    throw new DispositionError(`code: "${d.code}" is not in this campaign's dispositions`, 400);
  if (d.code === 'sale' && !(d.consent.firstConfirmation && d.consent.secondConfirmation)) {
    throw new DispositionError('consent: a sale needs both confirmations (two-step verbal consent)', 400);
  }
  if (d.code === 'callback' && !d.callbackAt)
    throw new DispositionError('callbackAt: required for a callback', 400);
  if (d.trialEndsAt && d.code === 'sale' && d.trialEndsAt <= now)
    throw new DispositionError('trialEndsAt: the trial must end in the future', 400);
}

/** What a disposition asks of the lead's life (domain/lead/lifecycle.ts). */
export function dispositionRequests(d: Disposition): {
  dnc: boolean;
  wrongParty: boolean;
  callbackAt?: Date;
  trialEndsAt?: Date;
} {
  const dnc = d.dncRequested || d.code === 'do-not-call';
  // A DNC request ends the lead: nothing is scheduled on it.
  if (dnc) return { dnc, wrongParty: false };
  return {
    dnc,
    wrongParty: d.code === 'wrong-party' && !d.callbackAt,
    callbackAt: d.callbackAt,
    trialEndsAt: d.code === 'sale' ? d.trialEndsAt : undefined,
  };
}
