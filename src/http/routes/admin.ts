import type { FastifyInstance } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { HttpError } from '../errors.js';
import type { AnyRoute } from '../route-spec.js';
import type { AdminDeps } from './admin-deps.js';
import { auditRoutes } from './audit.js';
import { blacklistRoutes } from './blacklist.js';
import { campaignAdminRoutes } from './campaign-admin.js';
import { dncRoutes } from './dnc.js';
import { importRoutes } from './imports.js';

export type { AdminDeps } from './admin-deps.js';

/** Every route of the admin pages (campaigns, lists, audit, DNC and blacklist). */
export function adminRoutes(d: AdminDeps): AnyRoute[] {
  return [
    ...campaignAdminRoutes(d),
    ...importRoutes(d),
    ...auditRoutes(d),
    ...dncRoutes(d),
    ...blacklistRoutes(d),
  ];
}

/**
 * Body types beyond JSON: files (a lead list, a DNC CSV) arrive as a stream the route reads
 * with its own size cap; a campaign definition may be YAML, parsed here (errors name the line).
 */
export function registerAdminBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser(['application/octet-stream', 'text/csv'], (_req, payload, done) =>
    done(null, payload),
  );
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string' },
    (_req, body, done) => {
      try {
        done(null, parseYaml(body as string));
      } catch (err) {
        done(
          new HttpError(400, `(body): not valid YAML: ${err instanceof Error ? err.message : String(err)}`),
          undefined,
        );
      }
    },
  );
}
