import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { DNC_TYPES } from '../../domain/campaign/purpose.js';
import { exportDncCsv, importDncCsv } from '../../import/dnc-csv.js';
import { recordAudit } from '../../store/audit.js';
import { listDnc } from '../../store/dnc-lists.js';
import { addDnc, DncInputError, removeDnc, toE164 } from '../../store/repositories/dnc.js';
import { HttpError } from '../errors.js';
import { access, route, type AnyRoute } from '../route-spec.js';
import { NO_STORE, sendAuditedList, who, type AdminDeps } from './admin-deps.js';
import { bulkAddResult, dncEntry } from './admin-schemas.js';

/** Largest DNC file accepted through the API, bytes. */
export const MAX_DNC_BYTES = 50 * 1024 * 1024;
const REJECTS_SHOWN = 100;

export const phoneText = z.string().min(3).max(64);
const dncType = z.enum(DNC_TYPES);
export const pageQuery = {
  phone: z
    .string()
    .regex(/^\+?\d{1,15}$/, 'an E.164 number or its beginning, digits only')
    .optional(),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};

/** DncInputError as a 400 naming the field. */
export function e164(d: AdminDeps, raw: string): string {
  try {
    return toE164(raw, d.defaultRegion);
  } catch (err) {
    if (err instanceof DncInputError) throw new HttpError(400, err.message);
    throw err;
  }
}

/** The do-not-call list (免打扰): list, add, remove, export, bulk add from a CSV upload. */
export function dncRoutes(d: AdminDeps): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/dnc',
      summary: 'DNC entries, newest first (filter by number prefix and type; page with before)',
      tags: ['dnc'],
      access: access.roles('admin', 'supervisor'),
      query: z.object({ ...pageQuery, type: dncType.optional() }).strict(),
      response: z.array(dncEntry),
      handler: async ({ reply, principal, query }) => {
        const rows = await listDnc(d.db, { ...query, phone: query.phone?.replace(/^(?!\+)/, '+') });
        return sendAuditedList(d, reply, principal, 'dnc.list', query, rows);
      },
    }),
    route({
      method: 'POST',
      url: '/api/dnc',
      summary: 'Add a number to the DNC list (takes effect before the next originate)',
      tags: ['dnc'],
      access: access.roles('admin', 'supervisor'),
      body: z
        .object({
          phone: phoneText,
          type: dncType.default('all'),
          reason: z.string().max(500).optional(),
          name: z.string().max(200).optional(),
          expiresAt: z.coerce.date().optional(),
        })
        .strict(),
      response: z.object({ phone: z.string(), type: z.enum(DNC_TYPES), added: z.boolean() }),
      handler: async ({ reply, principal, body }) => {
        const p = who(principal);
        const phone = e164(d, body.phone);
        const added = await addDnc(
          d.db,
          { ...body, phone, source: 'api', actor: p.actor, addedBy: p.userId ?? null },
          d.outbox,
        );
        return reply.status(added ? 201 : 200).send({ phone, type: body.type, added });
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/dnc/:phone',
      summary: 'Remove a number from the DNC list (one type, or every type)',
      tags: ['dnc'],
      access: access.roles('admin'),
      params: z.object({ phone: phoneText }),
      query: z.object({ type: dncType.optional() }).strict(),
      response: z.object({ phone: z.string(), removed: z.number().int() }),
      handler: async ({ principal, params, query }) => {
        const phone = e164(d, params.phone);
        return { phone, removed: await removeDnc(d.db, phone, who(principal).actor, query.type) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/dnc/export.csv',
      summary:
        'The whole DNC list as formula-safe CSV (phone, type, reason, name, source, added_by, created_at)',
      tags: ['dnc'],
      access: access.roles('admin'),
      handler: async ({ req, reply, principal }) => {
        await recordAudit(d.db, { actor: who(principal).actor, action: 'dnc.export', entity: 'dnc' });
        const out = new PassThrough();
        void exportDncCsv(d.db, out).then(
          () => out.end(),
          (err: unknown) => {
            req.log.error({ err }, 'DNC export failed');
            out.destroy(err instanceof Error ? err : new Error(String(err)));
          },
        );
        const day = new Date().toISOString().slice(0, 10);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="dnc-${day}.csv"`)
          .header('cache-control', NO_STORE)
          .header('x-content-type-options', 'nosniff')
          .send(out);
      },
    }),
    route({
      method: 'POST',
      url: '/api/dnc/import',
      summary:
        'Bulk add from a CSV upload (phone[,type,reason,name,source]; the bytes as text/csv); bad rows are listed, good rows kept',
      tags: ['dnc'],
      access: access.roles('admin', 'supervisor'),
      query: z.object({ type: dncType.default('all') }).strict(),
      bodyLimit: MAX_DNC_BYTES,
      rawBody: ['text/csv', 'application/octet-stream'],
      response: bulkAddResult,
      handler: async ({ req, principal, query }) => {
        if (typeof req.body !== 'object' || req.body === null || !('pipe' in req.body)) {
          throw new HttpError(415, "send the file's bytes as text/csv or application/octet-stream");
        }
        const p = who(principal);
        return bulkAdd(d, req.body as Readable, { actor: p.actor, addedBy: p.userId }, query.type);
      },
    }),
  ];
}

/** The upload goes to a private temporary file (0600 in a 0700 directory), is imported, then removed. */
async function bulkAdd(
  d: AdminDeps,
  body: Readable,
  by: { actor: string; addedBy?: number },
  defaultType: string,
) {
  const dir = await mkdtemp(join(tmpdir(), 'dialer-dnc-'));
  try {
    const file = join(dir, 'dnc.csv');
    let bytes = 0;
    body.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > MAX_DNC_BYTES)
        body.destroy(new HttpError(413, `the file is larger than ${MAX_DNC_BYTES} bytes`));
    });
    await pipeline(body, createWriteStream(file, { mode: 0o600, flags: 'wx' }));
    const s = await importDncCsv(d.db, file, {
      defaultRegion: d.defaultRegion,
      ...by,
      defaultType,
      outbox: d.outbox,
    });
    const rejects = s.rejectsFile
      ? parse<Record<string, string>>(await readFile(s.rejectsFile, 'utf8'), {
          columns: true,
          to: REJECTS_SHOWN,
        })
      : [];
    return {
      read: s.read,
      added: s.added,
      rejected: s.rejected,
      rejects: rejects.map((r) => ({
        row: Number(r['row'] ?? 0),
        field: r['field'] ?? '',
        reason: r['message'] ?? '',
      })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
