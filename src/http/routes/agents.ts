import { z } from 'zod';
import type { EngineRegistry } from '../../engine/registry.js';
import type { AuditEntry } from '../../store/audit.js';
import { HttpError } from '../errors.js';
import type { Principal } from '../principal.js';
import { access, route, type AnyRoute } from '../route-spec.js';
import { campaignRef } from './campaigns.js';

/** Writes an audit row (the server passes Postgres' when it has accounts). */
export type Audit = (entry: AuditEntry) => Promise<void>;

/** An agent action's audit row: the actor is who asked (a supervisor acting for the agent, too). */
function agentAudit(
  audit: Audit,
  p: Principal | undefined,
  username: string,
  action: string,
  details: object,
) {
  return audit({
    actor: p?.actor ?? 'anonymous',
    action: `agent.${action}`,
    entity: 'agent',
    entityId: username,
    details: { ...details, ...(p?.username === username ? {} : { onBehalfOf: username }) },
  });
}

/** `{campaignId}` or `{campaign}`: a campaign's id or code. */
const loginBody = z
  .object({
    campaignId: z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), campaignRef]).optional(),
    campaign: z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), campaignRef]).optional(),
  })
  .strict()
  .refine((b) => (b.campaignId === undefined) !== (b.campaign === undefined), {
    message: 'give campaignId or campaign (an id or code), one of them',
  });

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
export function agentRoutes(registry: EngineRegistry, audit: Audit): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/agents/:username/login',
      summary: 'Log an agent in to a campaign (by id or code)',
      access: agentRule,
      params: agentParams,
      body: loginBody,
      handler: async ({ params, body, principal }) => {
        const ref = body.campaignId ?? body.campaign;
        if (ref === undefined) throw new HttpError(400, 'campaignId: required');
        const campaignId = await registry.login(params.username, ref);
        await agentAudit(audit, principal, params.username, 'login', { campaignId });
        return { state: 'ready', campaignId };
      },
    }),
    route({
      method: 'POST',
      url: '/api/agents/:username/pause',
      summary: 'Pause an agent with a pause code',
      access: agentRule,
      params: agentParams,
      body: z.object({ code: z.string().min(1).max(40) }).strict(),
      handler: async ({ params, body, principal }) => {
        await registry.pause(params.username, body.code);
        const campaignId = registry.campaignOf(params.username);
        await agentAudit(audit, principal, params.username, 'pause', { code: body.code, campaignId });
        return { state: 'paused', code: body.code };
      },
    }),
    route({
      method: 'POST',
      url: '/api/agents/:username/resume',
      summary: 'Make a paused agent ready again',
      access: agentRule,
      params: agentParams,
      handler: async ({ params, principal }) => {
        await registry.resume(params.username);
        const campaignId = registry.campaignOf(params.username);
        await agentAudit(audit, principal, params.username, 'resume', { campaignId });
        return { state: 'ready' };
      },
    }),
    route({
      method: 'POST',
      url: '/api/agents/:username/logout',
      summary: 'Log an agent out of their campaign',
      access: agentRule,
      params: agentParams,
      handler: async ({ params, principal }) => {
        const { campaignId } = await registry.logout(params.username);
        await agentAudit(audit, principal, params.username, 'logout', { campaignId: campaignId ?? null });
        return { state: 'logged-out' };
      },
    }),
    route({
      method: 'POST',
      url: '/api/agents/:username/calls/:callId/disposition',
      summary: "Save the disposition of an agent's call",
      access: agentRule,
      params: callParams,
      handler: async ({ params, req, reply, principal }) => {
        const result = await registry.dispose(params.username, params.callId, req.body, principal?.actor);
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
      handler: async ({ params, req, principal }) => {
        const { desk, agentId } = await registry.previewDesk(params.username);
        return desk.skip(agentId, req.body, principal?.actor);
      },
    }),
  ];
}
