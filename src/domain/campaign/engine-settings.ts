import { z } from 'zod';
import type { DialMode } from './dial-mode.js';

/** Preview-desk settings, in `campaigns.settings.engine`; defaults in brackets. */
const previewShape = {
  /** Seconds an offer is shown before it dials by itself [0 = only when the agent clicks dial]. */
  previewSeconds: z.number().int().min(0).max(3600),
  /** Seconds an offer left open by a dead process waits for its agent to log in again [120]. */
  previewHoldSec: z.number().int().min(0).max(3600),
  /** Minutes until a skipped lead (reasons that put it back) may be offered again [60]. */
  previewSkipRetryMinutes: z.number().int().min(1).max(43_200),
};

/** The call settings, in `campaigns.settings.engine`; defaults in `engineSettings`. */
const callShape = {
  /** Seconds to ring before no-answer [25; never under 15 — the US rule]. */
  ringTimeoutSec: z.number().int().min(15, 'ring at least 15 s (the US rule)').max(300),
  /** Answering-machine detection [on for predictive and agentless]. */
  amd: z.boolean(),
  /** Seconds of wrap-up after a call before the agent is ready again [10]. */
  wrapUpSec: z.number().int().min(0).max(3600),
  /** The identification message for abandoned calls, as a PBX sound [sound:custom/dialer-id-message]. */
  idMessage: z.string().min(1),
  /** Seconds the identification message plays before the hang-up [9]. */
  idMessageSec: z.number().min(0).max(120),
  /**
   * Predictive only: also keep every rolling hour's abandon rate under the target + 1 point
   * [false]. Costs some occupancy; the legal promise is the 24 h and 30-day windows.
   */
  hourlyAbandonCap: z.boolean(),
};

/**
 * `settings.engine` as an admin writes it in the campaign file. Strict, so a misspelt key is an
 * error naming it; the engine reads the same keys with their defaults (`engineSettings`).
 */
export const engineSettingsSchema = z
  .object({ ...callShape, ...previewShape })
  .strict()
  .partial();

export interface PreviewSettings {
  previewSeconds: number;
  previewHoldSec: number;
  previewSkipRetryMinutes: number;
}

/** Every engine setting of a campaign, defaults applied. */
export interface EngineSettings extends PreviewSettings {
  ringTimeoutSec: number;
  amd: boolean;
  wrapUpSec: number;
  idMessage: string;
  idMessageSec: number;
  hourlyAbandonCap: boolean;
}

function parseStored<T extends z.ZodRawShape>(shape: T, engine: unknown): Partial<z.output<z.ZodObject<T>>> {
  // Stored rows were validated on the way in; keys of other modules are left alone here.
  const r = z
    .object(shape)
    .partial()
    .safeParse(engine ?? {});
  if (!r.success) {
    throw new Error(
      r.error.issues.map((i) => `${['settings.engine', ...i.path].join('.')}: ${i.message}`).join('; '),
    );
  }
  return r.data as Partial<z.output<z.ZodObject<T>>>;
}

/**
 * Reads the preview keys of a stored `settings.engine`. Throws naming each bad field:
 * `settings.engine.previewSeconds: …`.
 */
export function previewSettings(engine: unknown): PreviewSettings {
  const s = parseStored(previewShape, engine);
  return {
    previewSeconds: s.previewSeconds ?? 0,
    previewHoldSec: s.previewHoldSec ?? 120,
    previewSkipRetryMinutes: s.previewSkipRetryMinutes ?? 60,
  };
}

/** All of a stored `settings.engine` with its defaults, which depend on the dial mode. */
export function engineSettings(mode: DialMode, engine: unknown): EngineSettings {
  const s = parseStored(callShape, engine);
  const amdByDefault = mode === 'predictive' || mode === 'agentless';
  return {
    ringTimeoutSec: Math.max(15, s.ringTimeoutSec ?? 25),
    amd: s.amd ?? amdByDefault,
    wrapUpSec: s.wrapUpSec ?? 10,
    idMessage: s.idMessage ?? 'sound:custom/dialer-id-message',
    idMessageSec: s.idMessageSec ?? 9,
    hourlyAbandonCap: s.hourlyAbandonCap ?? false,
    ...previewSettings(engine),
  };
}
