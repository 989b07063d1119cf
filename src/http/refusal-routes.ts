import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RefusalHistory } from '../ports/refusals.js';
import { HttpError } from './errors.js';

const limit = z.coerce.number().int().min(1).max(1000).default(100);

/**
 * "Why was +… never called, and when was that decided": the gate's stored refusals of a number
 * (every lead with it) or of one lead, with the calls made. Supervisors, QA and admins.
 */
export function refusalHandlers(refusals: RefusalHistory, allow: (req: FastifyRequest) => void) {
  const ofPhone = async (req: FastifyRequest) => {
    allow(req);
    const q = z
      .object({ phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number like +15555550100'), limit })
      .strict()
      .parse(req.query);
    return { phone: q.phone, leads: await refusals.ofPhone(q.phone, q.limit) };
  };
  const ofLead = async (req: FastifyRequest) => {
    allow(req);
    const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(req.params);
    const q = z.object({ limit }).strict().parse(req.query);
    const lead = await refusals.ofLead(id, q.limit);
    if (!lead) throw new HttpError(404, `lead ${id} does not exist`);
    return lead;
  };
  return { ofPhone, ofLead };
}
