import { z } from 'zod';
import type { EngineRegistry } from '../../engine/registry.js';
import { access, route, type AnyRoute } from '../route-spec.js';

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)');
const agentParams = z.object({ username: usernameSchema });
const callParams = z.object({ username: usernameSchema, callId: z.string().max(64) });
const offerQuery = z
  .object({
    /** Long poll: seconds to wait for an offer when the agent has none yet. */
    wait: z.coerce.number().int().min(0).max(30).default(0),
  })
  .strict();

/** Agents act as themselves; supervisors, team leads and admins for agents on their campaigns. */
const agentRule = access.agent('username', 'supervisor', 'teamlead', 'admin');

/** The agent desk: login to a campaign, pause, resume, logout, dispositions, the preview offer. */
export function agentRoutes(registry: EngineRegistry): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/agents/:username/login',
      summary: 'Log an agent in to a campaign (by id or code)',
      access: agentRule,
      params: agentParams,
      // The campaign's id, or its code (as the CLI and the doctor take it).
      body: z
        .object({ campaignId: z.union([z.number().int().positive(), z.string().min(1).max(64)]) })
        .strict(),
      handler: async ({ params, body }) => {
        await registry.login(params.username, body.campaignId);
        return { state: 'ready' };
      },
    }),
    route({
      method: 'POST',
      url: '/api/agents/:username/pause',
      summary: 'Pause an agent with a pause code',
      access: agentRule,
      params: agentParams,
      body: z.object({ code: z.string().min(1).max(40) }).strict(),
      handler: async ({ params, body }) => {
        await registry.pause(params.username, body.code);
        return { state: 'paused', code: body.code };
      },
    }),
    route({
      method: 'POST',
      url: '/api/agents/:username/resume',
      summary: 'Make a paused agent ready again',
      access: agentRule,
      params: agentParams,
      handler: async ({ params }) => {
        await registry.resume(params.username);
        return { state: 'ready' };
      },
    }),
    route({
      method: 'POST',
      url: '/api/agents/:username/logout',
      summary: 'Log an agent out of their campaign',
      access: agentRule,
      params: agentParams,
      handler: async ({ params }) => {
        await registry.logout(params.username);
        return { state: 'logged-out' };
      },
    }),
    route({
      method: 'POST',
      url: '/api/agents/:username/calls/:callId/disposition',
      summary: "Save the disposition of an agent's call",
      access: agentRule,
      params: callParams,
      handler: async ({ params, req, reply }) => {
        const result = await registry.dispose(params.username, params.callId, req.body);
        return reply.status(201).send(result);
      },
    }),
    ...previewRoutes(registry),
  ];
}

/** The preview desk: one agent never reads another's offer (the agent rule). */
function previewRoutes(registry: EngineRegistry): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/agents/:username/offer',
      summary: "The agent's current preview offer (long poll with ?wait=seconds)",
      access: agentRule,
      params: agentParams,
      query: offerQuery,
      handler: async ({ params, query }) => {
        const { desk, agentId } = await registry.previewDesk(params.username);
        return desk.current(agentId, query.wait * 1000);
      },
    }),
    route({
      method: 'POST',
      url: '/api/agents/:username/offer/dial',
      summary: 'Dial the offered lead',
      access: agentRule,
      params: agentParams,
      body: z.object({ offerId: z.number().int().positive() }).strict(),
      handler: async ({ params, body, reply }) => {
        const { desk, agentId } = await registry.previewDesk(params.username);
        const r = await desk.dial(agentId, body.offerId);
        return reply.status(202).send({ ...r, state: 'dialling' });
      },
    }),
    route({
      method: 'POST',
      url: '/api/agents/:username/offer/skip',
      summary: 'Skip the offered lead (with a reason)',
      access: agentRule,
      params: agentParams,
      handler: async ({ params, req }) => {
        const { desk, agentId } = await registry.previewDesk(params.username);
        return desk.skip(agentId, req.body);
      },
    }),
  ];
}
