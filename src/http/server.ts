import Fastify, { type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import type { EngineRegistry } from '../engine/registry.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { RefusalHistory } from '../ports/refusals.js';
import type { CheckResult } from '../startup/dependencies.js';
import { readFileSync } from 'node:fs';
import { errorHandler } from './errors.js';
import { openApiRoute } from './openapi.js';
import type { Principal } from './principal.js';
import { createRouter, type AnyRoute, type RouteAuth, type Router } from './route-spec.js';
import { adminRoutes, registerAdminBodyParsers, type AdminDeps } from './routes/admin.js';
import { agentRoutes } from './routes/agents.js';
import { campaignRoutes } from './routes/campaigns.js';
import { refusalRoutes } from './routes/refusals.js';
import { systemRoutes } from './routes/system.js';
import { registerWebConsole } from './web-console.js';

export interface ServerDeps {
  logger: Logger;
  registry: EngineRegistry;
  /** The principal of a presented API key (Authorization: Bearer …), if it is valid. */
  authenticate: (key: string) => Principal | undefined | Promise<Principal | undefined>;
  /** The campaigns an agent is assigned to (who may act for them); default: none. */
  agentCampaigns?: (username: string) => Promise<number[]>;
  /** Every dependency's state, for `GET /ready`. */
  ready: () => Promise<CheckResult[]>;
  metrics?: Metrics;
  /** The gate's stored refusals (GET /api/refusals, /api/leads/:id/refusals). */
  refusals?: RefusalHistory;
  /** The admin pages' API (campaigns, lists, audit, DNC): src/http/routes/admin.ts. */
  admin?: AdminDeps;
  /** More routes from the table (admin pages' API); registered with the same access control. */
  routes?: (router: Router) => readonly AnyRoute[];
  /** The built web console to serve (default: dist/web); false serves none. */
  webRoot?: string | false;
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The dialer's HTTP API: every route comes from a route table whose rules the router enforces. */
export function buildServer(deps: ServerDeps) {
  // As Fastify's base logger type, so route modules take a plain FastifyInstance.
  const logger: FastifyBaseLogger = deps.logger.child({ component: 'http' });
  const app = Fastify({ loggerInstance: logger });
  app.setErrorHandler((err: Error, req, reply) => errorHandler(err, req, reply));
  const router = createRouter(app, routeAuth(deps));
  if (deps.webRoot !== false) registerWebConsole(app, deps.webRoot);
  router.add(systemRoutes(deps));
  router.add(agentRoutes(deps.registry));
  router.add(campaignRoutes(deps.registry));
  if (deps.refusals) router.add(refusalRoutes(deps.refusals));
  if (deps.admin) {
    registerAdminBodyParsers(app);
    router.add(adminRoutes(deps.admin));
  }
  if (deps.routes) router.add(deps.routes(router));
  router.add([openApiRoute(() => router.routes, VERSION)]);
  return app;
}

function routeAuth(deps: ServerDeps): RouteAuth {
  return {
    authenticate: async (req: FastifyRequest) => {
      const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      return key ? deps.authenticate(key) : undefined;
    },
    campaignId: async (idOrCode) => (await deps.registry.findCampaign(idOrCode))?.id,
    agentCampaigns: (username) => deps.agentCampaigns?.(username) ?? Promise.resolve([]),
  };
}
