import { z } from 'zod';

/** Preview-desk settings, in `campaigns.settings.engine`; defaults in brackets. */
const previewShape = {
  /** Seconds an offer is shown before it dials by itself [0 = only when the agent clicks dial]. */
  previewSeconds: z.number().int().min(0).max(3600),
  /** Seconds an offer left open by a dead process waits for its agent to log in again [120]. */
  previewHoldSec: z.number().int().min(0).max(3600),
  /** Minutes until a skipped lead (reasons that put it back) may be offered again [60]. */
  previewSkipRetryMinutes: z.number().int().min(1).max(43_200),
};

/**
 * `settings.engine` as an admin writes it in the campaign file. Strict, so a misspelt key is an
 * error naming it; the engine reads the same keys with its defaults (engine/campaign-plan.ts).
 */
export const engineSettingsSchema = z
  .object({
    ringTimeoutSec: z.number().int().min(15, 'ring at least 15 s (the US rule)').max(300),
    amd: z.boolean(),
    wrapUpSec: z.number().int().min(0).max(3600),
    idMessage: z.string().min(1),
    idMessageSec: z.number().min(0).max(120),
    ...previewShape,
  })
  .strict()
  .partial();

export interface PreviewSettings {
  previewSeconds: number;
  previewHoldSec: number;
  previewSkipRetryMinutes: number;
}

/**
 * Reads the preview keys of a stored `settings.engine` (other keys belong to other parts of the
 * engine and are left alone). Throws naming each bad field: `settings.engine.previewSeconds: …`.
 */
export function previewSettings(engine: unknown): PreviewSettings {
  const r = z
    .object(previewShape)
    .partial()
    .safeParse(engine ?? {});
  if (!r.success) {
    throw new Error(
      r.error.issues.map((i) => `${['settings.engine', ...i.path].join('.')}: ${i.message}`).join('; '),
    );
  }
  return {
    previewSeconds: r.data.previewSeconds ?? 0,
    previewHoldSec: r.data.previewHoldSec ?? 120,
    previewSkipRetryMinutes: r.data.previewSkipRetryMinutes ?? 60,
  };
}
