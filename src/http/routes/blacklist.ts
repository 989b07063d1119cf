import { z } from 'zod';
import { listBlacklist, removeFromBlacklist } from '../../store/dnc-lists.js';
import { addToBlacklist } from '../../store/repositories/dnc.js';
import { access, route, type AnyRoute } from '../route-spec.js';
import { sendAuditedList, who, type AdminDeps } from './admin-deps.js';
import { e164, pageQuery, phoneText } from './dnc.js';
import { blacklistEntry } from './admin-schemas.js';

/** The blacklist: serious complainers, excluded from every campaign whatever its purpose. */
export function blacklistRoutes(d: AdminDeps): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/blacklist',
      summary: 'Blacklisted numbers, newest first (filter by number prefix; page with before)',
      tags: ['dnc'],
      access: access.roles('admin', 'supervisor'),
      query: z.object(pageQuery).strict(),
      response: z.array(blacklistEntry),
      handler: async ({ reply, principal, query }) => {
        const rows = await listBlacklist(d.db, { ...query, phone: query.phone?.replace(/^(?!\+)/, '+') });
        return sendAuditedList(d, reply, principal, 'blacklist.list', query, rows);
      },
    }),
    route({
      method: 'POST',
      url: '/api/blacklist',
      summary: 'Blacklist a number (a serious complaint): never called by any campaign',
      tags: ['dnc'],
      access: access.roles('admin', 'supervisor'),
      body: z
        .object({
          phone: phoneText,
          reason: z.string().min(1).max(500),
          name: z.string().max(200).optional(),
          complaintId: z.number().int().positive().optional(),
        })
        .strict(),
      response: z.object({ phone: z.string() }),
      handler: async ({ reply, principal, body }) => {
        const p = who(principal);
        const phone = e164(d, body.phone);
        await addToBlacklist(d.db, { ...body, phone, actor: p.actor, addedBy: p.userId });
        return reply.status(201).send({ phone });
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/blacklist/:phone',
      summary: 'Take a number off the blacklist',
      tags: ['dnc'],
      access: access.roles('admin'),
      params: z.object({ phone: phoneText }),
      response: z.object({ phone: z.string(), removed: z.boolean() }),
      handler: async ({ principal, params }) => {
        const phone = e164(d, params.phone);
        return { phone, removed: await removeFromBlacklist(d.db, phone, who(principal).actor) };
      },
    }),
  ];
}
