import { IANAZone } from 'luxon';
import { z } from 'zod';
import { callerIdNameSchema } from '../domain/caller-id.js';
import { DEFAULT_LAYOUT, layoutProblem } from '../domain/recording-layout.js';
import { webhooksSchema } from './webhooks-schema.js';

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number like +15555550100');
const ianaZone = z
  .string()
  .refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone like Europe/London');
/** Refusals are kept this long by default: 5 years, the Telemarketing Sales Rule's record term. */
const REFUSAL_RETENTION_DAYS = 1826;
const port = z.number().int().min(1).max(65535);

/** A credential given inline (discouraged) or, better, as a file readable only by the dialer. */
function credential<K extends string>(key: K) {
  const fileKey = `${key}File` as const;
  return { [key]: z.string().min(1).optional(), [fileKey]: z.string().min(1).optional() } as Record<
    K | `${K}File`,
    z.ZodOptional<z.ZodString>
  >;
}

const ariSchema = z
  .object({
    url: z.url(),
    username: z.string().min(1),
    ...credential('password'),
    app: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('dialer'),
  })
  .strict();

const amiSchema = z
  .object({
    host: z.string().min(1),
    port: port.default(5038),
    username: z.string().min(1),
    ...credential('secret'),
  })
  .strict();

const eslSchema = z
  .object({
    host: z.string().min(1),
    port: port.default(8021),
    ...credential('password'),
    /** Where FreeSWITCH writes recordings (its own filesystem). */
    recordingDir: z.string().default('/var/lib/freeswitch/recordings/dialer'),
    /** mod_amd (out of tree, Asterisk-style verdicts) or mod_avmd (beep detection only). */
    amdEngine: z.enum(['mod_amd', 'avmd']).default('mod_amd'),
    /**
     * Conference profile for bridges: `dialer` (dialplan/freeswitch/conference/dialer-profile.xml:
     * no prompts, tones, hold music or DTMF controls); FreeSWITCH's `default` plays all of those.
     */
    conferenceProfile: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('dialer'),
    /** Extra event-socket connections for api commands, so one call's command never waits behind another's. */
    apiLanes: z.number().int().min(0).max(16).default(4),
    /** mod_amd: no `amd::info` verdict this long after answer is reported as `notsure`. */
    amdVerdictTimeoutMs: z.number().int().positive().default(10_000),
    /** avmd: no beep this long after answer is reported as `notsure`. */
    avmdWindowMs: z.number().int().positive().default(8_000),
  })
  .strict();

const pbxNodeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and dashes'),
    driver: z.enum(['ari', 'ami', 'esl']),
    ari: ariSchema.optional(),
    ami: amiSchema.optional(),
    esl: eslSchema.optional(),
    /**
     * Where this PBX's recordings can be read on the dialer's machine (a shared mount), for
     * drivers that cannot fetch files over their own protocol (AMI, ESL).
     */
    recordingSpool: z.string().optional(),
    maxChannels: z.number().int().positive().default(200),
  })
  .strict();

const trunkSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/),
    node: z.string(),
    /** Dial string template; `{number}` is replaced by the E.164 number. */
    dial: z.string().includes('{number}', { message: 'must contain {number}' }),
    maxChannels: z.number().int().positive(),
    cps: z.number().positive(),
    /** Pausing the trunk while its calls keep failing (503s): domain/trunk-backoff.ts. */
    backoff: z
      .object({
        failuresToPause: z.number().int().positive().default(5),
        firstPauseSec: z.number().positive().default(10),
        maxPauseSec: z.number().positive().default(300),
      })
      .strict()
      .refine((b) => b.maxPauseSec >= b.firstPauseSec, {
        message: 'maxPauseSec must be at least firstPauseSec',
        path: ['maxPauseSec'],
      })
      .optional(),
  })
  .strict();

export const configSchema = z
  .object({
    instance: z
      .object({ name: z.string().min(1).default('dialer-1') })
      .strict()
      .default({ name: 'dialer-1' }),
    log: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info') })
      .strict()
      .default({ level: 'info' }),
    database: z
      .object({ url: z.string().startsWith('postgres').optional(), urlFile: z.string().optional() })
      .strict(),
    redis: z
      .object({
        url: z.string().startsWith('redis').default('redis://127.0.0.1:6379'),
        prefix: z.string().default('dialer'),
      })
      .strict(),
    timezone: ianaZone.default('America/New_York'),
    defaultRegion: z.string().length(2).default('US'),
    recordings: z
      .object({
        root: z.string().min(1),
        format: z.enum(['wav']).default('wav'),
        /** Where under the root each call's file goes (tokens: src/recordings/layout.ts). */
        layout: z
          .string()
          .default(DEFAULT_LAYOUT)
          .superRefine((v, ctx) => {
            const problem = layoutProblem(v);
            if (problem) ctx.addIssue({ code: 'custom', message: `layout ${problem}` });
          }),
        /** The archive counts as full below this much free space (MB). */
        minFreeMb: z.number().positive().default(200),
        /** While full: `pause` starts no new call; `continue` dials on (recordings wait in the spool). */
        onFull: z.enum(['pause', 'continue']).default('pause'),
      })
      .strict(),
    http: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: port.default(8080),
        /** Session cookies are `Secure` (HTTPS only). Off only for the lab on plain loopback HTTP. */
        secureCookies: z.boolean().default(true),
        /** A signed-in session unused this long ends. */
        sessionIdleMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(30),
        /** A session ends this long after sign-in, used or not. */
        sessionHours: z
          .number()
          .min(0.25)
          .max(24 * 7)
          .default(12),
        /** Sign-in tries allowed per username and client address per minute. */
        loginTriesPerMinute: z.number().int().min(1).max(1000).default(10),
        /** Gone: API keys live in Postgres (`dialer apikey add`). Named here to say so. */
        apiKeysFile: z
          .never({
            error:
              'API keys now live in Postgres: remove http.apiKeysFile and create keys with `dialer apikey add` (docs/security.md)',
          })
          .optional(),
      })
      .strict()
      .default({
        host: '127.0.0.1',
        port: 8080,
        secureCookies: true,
        sessionIdleMinutes: 30,
        sessionHours: 12,
        loginTriesPerMinute: 10,
      }),
    pbx: z.object({ nodes: z.array(pbxNodeSchema).min(1, 'configure at least one PBX node') }).strict(),
    trunks: z.array(trunkSchema).min(1, 'configure at least one trunk'),
    callerIds: z.array(z.object({ number: e164, name: callerIdNameSchema.optional() }).strict()).default([]),
    compliance: z
      .object({
        profile: z.enum(['us', 'uk', 'cn']).default('us'),
        abandonTarget: z.number().min(0).max(0.03, 'the legal ceiling is 3% (0.03)').default(0.03),
        approvalThreshold: z.number().int().positive().default(5000),
        connectWithinSec: z.number().positive().max(2, 'the rule is 2 seconds at most').default(2),
        /** How long the gate's refusals are kept (gate_refusals); 5 years, the TSR's record term. */
        refusalRetentionDays: z.number().int().positive().default(REFUSAL_RETENTION_DAYS),
      })
      .strict()
      .default({
        profile: 'us',
        abandonTarget: 0.03,
        approvalThreshold: 5000,
        connectWithinSec: 2,
        refusalRetentionDays: REFUSAL_RETENTION_DAYS,
      }),
    webhooks: webhooksSchema,
  })
  .strict();

export interface CrossIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * Rules across sections (a trunk's node exists, a driver has its section and one credential,
 * one database URL). Run on the raw input even when the schema found other mistakes, so one
 * pass lists everything; tolerant of wrong shapes, which the schema reports itself.
 */
export function crossCheck(raw: unknown): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const cfg = record(raw);
  const nodes = array(record(cfg['pbx'])['nodes']).map(record);
  const names = new Set(nodes.map((n) => n['name']).filter((n) => typeof n === 'string'));
  array(cfg['trunks']).forEach((t, i) => {
    const node = record(t)['node'];
    if (typeof node === 'string' && !names.has(node)) {
      const known = names.size > 0 ? [...names].join(', ') : 'none';
      issues.push({ path: ['trunks', i, 'node'], message: `names no PBX node (known: ${known})` });
    }
  });
  nodes.forEach((n, i) => issues.push(...driverSection(n, i)));
  const db = cfg['database'];
  if (
    db !== null &&
    typeof db === 'object' &&
    (record(db)['url'] === undefined) === (record(db)['urlFile'] === undefined)
  ) {
    issues.push({ path: ['database', 'url'], message: 'give exactly one of url or urlFile' });
  }
  return issues;
}

function driverSection(n: Record<string, unknown>, i: number): CrossIssue[] {
  const driver = n['driver'];
  if (driver !== 'ari' && driver !== 'ami' && driver !== 'esl') return [];
  const block = n[driver];
  if (block === undefined) {
    return [{ path: ['pbx', 'nodes', i, driver], message: `driver "${driver}" needs this section` }];
  }
  const key = driver === 'ami' ? 'secret' : 'password';
  const b = record(block);
  if ((b[key] === undefined) === (b[`${key}File`] === undefined)) {
    return [
      {
        path: ['pbx', 'nodes', i, driver, `${key}File`],
        message: `give exactly one of ${key} or ${key}File (a file is safer)`,
      },
    ];
  }
  return [];
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
