import { z } from 'zod';
import type { RefusalHistory } from '../../ports/refusals.js';
import { HttpError } from '../errors.js';
import { access, route, type AnyRoute } from '../route-spec.js';

const limit = z.coerce.number().int().min(1).max(1000).default(100);

/**
 * "Why was +… never called, and when was that decided": the gate's stored refusals of a number
 * (every lead with it) or of one lead, with the calls made. Supervisors, QA and admins.
 */
export function refusalRoutes(refusals: RefusalHistory): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/refusals',
      summary: "The gate's refusals of a phone number, every lead with it",
      access: access.roles('supervisor', 'qa', 'admin'),
      query: z
        .object({ phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number like +15555550100'), limit })
        .strict(),
      handler: async ({ query }) => ({
        phone: query.phone,
        leads: await refusals.ofPhone(query.phone, query.limit),
      }),
    }),
    route({
      method: 'GET',
      url: '/api/leads/:id/refusals',
      summary: "The gate's refusals of one lead, with its calls",
      access: access.roles('supervisor', 'qa', 'admin'),
      params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
      query: z.object({ limit }).strict(),
      handler: async ({ params, query }) => {
        const lead = await refusals.ofLead(params.id, query.limit);
        if (!lead) throw new HttpError(404, `lead ${params.id} does not exist`);
        return lead;
      },
    }),
  ];
}
