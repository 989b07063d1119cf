import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { UploadStatus } from '../../import/list-uploads.js';
import { UploadTooLargeError } from '../../import/list-uploads.js';
import { recordAudit } from '../../store/audit.js';
import { findCampaign } from '../../store/repositories/campaigns.js';
import { HttpError } from '../errors.js';
import { streamEvents } from '../event-hub.js';
import type { Principal } from '../principal.js';
import { access, route, type AnyRoute } from '../route-spec.js';
import { campaignRef } from './campaigns.js';
import { NO_STORE, who, type AdminDeps } from './admin-deps.js';
import { importStarted, importStatus } from './admin-schemas.js';

/** Largest list accepted through the API, bytes (the CLI has no limit). */
export const MAX_LIST_BYTES = 500 * 1024 * 1024;

const importParams = z.object({ id: z.uuid('an import id') });

/** The status as the console sees it (web/src/api/imports.ts): without who started it. */
export function publicStatus(s: UploadStatus): Omit<UploadStatus, 'actor'> {
  const { actor: _actor, ...rest } = s;
  return rest;
}

/** Only whoever started an upload, and admins, may watch it or download its rejects. */
function mayWatch(p: Principal, s: UploadStatus): boolean {
  return p.role === 'admin' || p.actor === s.actor;
}

function fileNameOf(header: string | string[] | undefined): string {
  const raw = typeof header === 'string' ? header : 'list.csv';
  try {
    return decodeURIComponent(raw).slice(0, 200) || 'list.csv';
  } catch {
    throw new HttpError(400, 'x-file-name (header): not valid percent-encoding');
  }
}

/** Lead list uploads: the file's bytes, the import's progress (also as events), its rejects. */
export function importRoutes(d: AdminDeps): AnyRoute[] {
  const status = (p: Principal, id: string): UploadStatus => {
    const s = d.uploads.get(id);
    if (!s || !mayWatch(p, s)) throw new HttpError(404, `no import ${id} (finished imports are kept 1 hour)`);
    return s;
  };
  return [
    route({
      method: 'POST',
      url: '/api/campaigns/:id/lists',
      summary:
        "Upload a lead list (CSV or .xlsx, the file's bytes as application/octet-stream, its name in x-file-name); 202 with the import id",
      tags: ['lists'],
      access: access.campaign('id', 'admin', 'supervisor'),
      params: z.object({ id: campaignRef }),
      bodyLimit: MAX_LIST_BYTES,
      rawBody: ['application/octet-stream'],
      response: importStarted,
      handler: async ({ req, reply, principal, params }) => {
        const p = who(principal);
        const c = await findCampaign(d.db, params.id);
        if (!c) throw new HttpError(404, `no campaign ${params.id}`);
        if (c.status === 'completed')
          throw new HttpError(409, `campaign ${c.code} is completed: no new lists`);
        if (typeof req.body !== 'object' || req.body === null || !('pipe' in req.body)) {
          throw new HttpError(415, "send the file's bytes as application/octet-stream");
        }
        try {
          const s = await d.uploads.start({
            campaignId: c.id,
            fileName: fileNameOf(req.headers['x-file-name']),
            body: req.body as Readable,
            actor: p.actor,
            createdBy: p.userId,
          });
          return reply
            .status(202)
            .header('cache-control', NO_STORE)
            .send({ importId: s.id, ...publicStatus(s) });
        } catch (err) {
          if (err instanceof UploadTooLargeError) throw new HttpError(413, err.message);
          throw err;
        }
      },
    }),
    route({
      method: 'GET',
      url: '/api/imports/:id',
      summary: "A list upload's progress and result, with the first rejected rows (line, column, reason)",
      tags: ['lists'],
      access: access.roles('admin', 'supervisor'),
      params: importParams,
      response: importStatus,
      handler: ({ reply, principal, params }) =>
        reply.header('cache-control', NO_STORE).send(publicStatus(status(who(principal), params.id))),
    }),
    route({
      method: 'GET',
      url: '/api/imports/:id/rejects.csv',
      summary: 'Every rejected row of an import (row, field, code, message, raw) as formula-safe CSV',
      tags: ['lists'],
      access: access.roles('admin', 'supervisor'),
      params: importParams,
      handler: async ({ reply, principal, params }) => {
        const p = who(principal);
        const s = status(p, params.id);
        const file = d.uploads.rejectsFile(s.id);
        if (!file)
          throw new HttpError(
            404,
            s.phase === 'importing' ? 'the import is still running' : 'no rows were rejected',
          );
        await recordAudit(d.db, {
          actor: p.actor,
          action: 'list.rejects.download',
          entity: 'campaign',
          entityId: String(s.campaignId),
          details: { importId: s.id, fileName: s.fileName, rejected: s.summary?.rejected ?? null },
        });
        const name = `${s.fileName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.(csv|xlsx)$/i, '')}.rejects.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', NO_STORE)
          .header('x-content-type-options', 'nosniff')
          .send(createReadStream(file));
      },
    }),
    route({
      method: 'GET',
      url: '/api/events',
      summary:
        'Server-sent events for the given topics (import:<id>); take a snapshot from the GET route on connect',
      tags: ['events'],
      access: access.signedIn(),
      query: z.object({ topics: z.string().min(1).max(2000) }).strict(),
      handler: ({ req, reply, principal, query }) => {
        const p = who(principal);
        const topics = query.topics.split(',').map((t) => t.trim());
        for (const t of topics) {
          const id = /^import:(.+)$/.exec(t)?.[1];
          if (!id) throw new HttpError(400, `topics (query): unknown topic "${t}" (known: import:<id>)`);
          status(p, id);
        }
        streamEvents(d.hub, topics, req, reply);
      },
    }),
  ];
}
