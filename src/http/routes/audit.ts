import { z } from 'zod';
import { queryAudit, recordAudit } from '../../store/audit.js';
import { access, route, type AnyRoute } from '../route-spec.js';
import { NO_STORE, who, type AdminDeps } from './admin-deps.js';
import { auditRow } from './admin-schemas.js';

const text = (max: number) => z.string().min(1).max(max).optional();

const auditQuery = z
  .object({
    entity: text(40),
    entityId: text(200),
    actor: text(200),
    /** An action (`campaign.approve`) or a prefix ending in `.` (`campaign.`). */
    action: text(80),
    since: z.coerce.date().optional(),
    until: z.coerce.date().optional(),
    /** The next page: rows older than this id. */
    before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** Audit rows about these carry personal data in their ids or details (phone numbers, leads' calls). */
const PERSONAL = new Set(['dnc', 'lead', 'call', 'recording']);

/**
 * The audit log for admins: who did what to which thing, newest first. A read that returned
 * rows about personal data (DNC numbers, leads, calls) is itself audited (`audit.query`).
 */
export function auditRoutes(d: AdminDeps): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/audit',
      summary: 'The audit log, newest first, filtered by entity, id, actor, action and time',
      tags: ['audit'],
      access: access.roles('admin'),
      query: auditQuery,
      response: z.array(auditRow),
      handler: async ({ reply, principal, query }) => {
        const rows = await queryAudit(d.db, query);
        const personal = rows.filter((r) => PERSONAL.has(r.entity)).length;
        if (personal > 0) {
          await recordAudit(d.db, {
            actor: who(principal).actor,
            action: 'audit.query',
            entity: 'audit',
            details: { ...query, rows: rows.length, personal },
          });
        }
        return reply.header('cache-control', NO_STORE).send(rows);
      },
    }),
  ];
}
