import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EngineRegistry } from '../engine/registry.js';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const offerQuery = z
  .object({
    /** Long poll: seconds to wait for an offer when the agent has none yet. */
    wait: z.coerce.number().int().min(0).max(30).default(0),
  })
  .strict();
const dialBody = z.object({ offerId: z.number().int().positive() }).strict();

/**
 * The preview desk over HTTP. `agentAction` checks the API key may act as the agent in the
 * path (an agent only as themselves), so one agent never reads another's offer.
 */
export function previewHandlers(
  registry: EngineRegistry,
  agentAction: (req: FastifyRequest) => string,
): { offer: Handler; dial: Handler; skip: Handler } {
  return {
    async offer(req) {
      const username = agentAction(req);
      const { wait } = offerQuery.parse(req.query ?? {});
      const { desk, agentId } = await registry.previewDesk(username);
      return desk.current(agentId, wait * 1000);
    },
    async dial(req, reply) {
      const username = agentAction(req);
      const { offerId } = dialBody.parse(req.body);
      const { desk, agentId } = await registry.previewDesk(username);
      const r = await desk.dial(agentId, offerId);
      return reply.status(202).send({ ...r, state: 'dialling' });
    },
    async skip(req) {
      const username = agentAction(req);
      const { desk, agentId } = await registry.previewDesk(username);
      return desk.skip(agentId, req.body);
    },
  };
}
