import { z } from 'zod';
import type { EngineRegistry } from '../../engine/registry.js';
import { HttpError } from '../errors.js';
import { access, route, type AnyRoute } from '../route-spec.js';

/** A campaign id within Postgres' bigint, or a campaign code. */
export const campaignRef = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'a campaign id or code')
  .refine((v) => !/^\d+$/.test(v) || BigInt(v) <= 9_223_372_036_854_775_807n, 'campaign id out of range');
/** A numeric campaign id within bigint (and JavaScript's safe integers, which ids stay far below). */
export const campaignId = z.coerce
  .number({ error: 'a campaign id (a whole number)' })
  .int()
  .positive()
  .max(Number.MAX_SAFE_INTEGER, 'campaign id out of range');

const supervising = ['supervisor', 'teamlead', 'admin'] as const;

/** A running campaign's live view and its diagnosis (supervisors and team leads of that campaign). */
export function campaignRoutes(registry: EngineRegistry): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/campaigns/:id/doctor',
      summary: "Why a campaign is (not) dialling: stored facts plus the running engine's",
      access: access.campaign('id', ...supervising),
      params: z.object({ id: campaignRef }),
      handler: ({ params }) => registry.diagnose(params.id),
    }),
    route({
      method: 'GET',
      url: '/api/campaigns/:id/live',
      summary: "A running campaign's live calls, stats and agents",
      access: access.campaign('id', ...supervising),
      params: z.object({ id: campaignId }),
      handler: ({ params }) => {
        const engine = registry.get(params.id);
        if (!engine) throw new HttpError(404, `campaign ${params.id} is not running here`);
        return {
          liveCalls: engine.runner.liveCalls,
          stats: engine.runner.stats,
          agents: engine.agents.all().map((s) => ({
            agent: s.agent.username,
            state: s.status.state,
            pauseCode: s.status.pauseCode,
            since: new Date(s.since).toISOString(),
            callId: s.callId,
          })),
        };
      },
    }),
  ];
}
