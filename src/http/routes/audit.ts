import { z } from 'zod';
import { queryAudit, recordAudit } from '../../store/audit.js';
import { access, route, type AnyRoute } from '../route-spec.js';
import { NO_STORE, who, type AdminDeps } from './admin-deps.js';

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

/** The audit log for admins: who did what to which thing, newest first. Reading it is audited too. */
export function auditRoutes(d: AdminDeps): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/audit',
      summary: 'The audit log, newest first, filtered by entity, id, actor, action and time',
      tags: ['audit'],
      access: access.roles('admin'),
      query: auditQuery,
      handler: async ({ reply, principal, query }) => {
        const rows = await queryAudit(d.db, query);
        // The log holds phone numbers (DNC entries): reading it is an access to personal data.
        await recordAudit(d.db, {
          actor: who(principal).actor,
          action: 'audit.query',
          entity: 'audit',
          details: { ...query, rows: rows.length },
        });
        return reply.header('cache-control', NO_STORE).send(rows);
      },
    }),
  ];
}
