import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../webhooks/events.js';

/** Plain http is allowed only to this machine (a lab receiver, a local relay); elsewhere https. */
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)$/;

const endpointUrl = z.url().refine((raw) => {
  const u = new URL(raw);
  return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.test(u.hostname));
}, 'must be https:// (plain http:// only to 127.0.0.1, [::1] or localhost)');

const endpointSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]{1,40}$/, 'use lower-case letters, digits and dashes'),
    url: endpointUrl,
    /** A file holding only the signing secret (chmod 600); never inline, never logged. */
    secretFile: z.string().min(1),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1, `subscribe to at least one of ${WEBHOOK_EVENTS.join(', ')}`)
      .refine((e) => new Set(e).size === e.length, 'lists an event twice'),
  })
  .strict();

const DEFAULTS = { endpoints: [], attempts: 8, backoffMs: 10_000, timeoutMs: 10_000, retentionDays: 30 };

/**
 * `webhooks:` HTTPS endpoints told of events (docs/webhooks.md). Each delivery is signed with
 * the endpoint's secret and retried `attempts` times in all, waiting backoffMs, 2×, 4×… between.
 */
export const webhooksSchema = z
  .object({
    endpoints: z
      .array(endpointSchema)
      .refine((e) => new Set(e.map((x) => x.name)).size === e.length, 'two endpoints share a name')
      .default([]),
    attempts: z.number().int().min(1).max(30).default(DEFAULTS.attempts),
    backoffMs: z.number().int().min(100).max(3_600_000).default(DEFAULTS.backoffMs),
    timeoutMs: z.number().int().min(100).max(60_000).default(DEFAULTS.timeoutMs),
    /** Delivered events (they hold phone numbers) are deleted this long after queueing; dead letters stay. */
    retentionDays: z.number().int().min(1).max(3650).default(DEFAULTS.retentionDays),
  })
  .strict()
  .default(DEFAULTS);
