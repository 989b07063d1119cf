import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import type { Accounts } from '../accounts/accounts.js';
import type { EngineRegistry } from '../engine/registry.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { RefusalHistory } from '../ports/refusals.js';
import type { CheckResult } from '../startup/dependencies.js';
import { readFileSync } from 'node:fs';
import { writeAudit } from '../store/audit.js';
import { errorHandler } from './errors.js';
import { openApiRoute } from './openapi.js';
import type { Principal } from './principal.js';
import { createRouter, type AnyRoute, type RouteAuth, type Router } from './route-spec.js';
import { adminRoutes, registerAdminBodyParsers, type AdminDeps } from './routes/admin.js';
import { agentRoutes } from './routes/agents.js';
import { campaignRoutes } from './routes/campaigns.js';
import { refusalRoutes } from './routes/refusals.js';
import { sessionRoutes } from './routes/session.js';
import { systemRoutes } from './routes/system.js';
import { userRoutes } from './routes/users.js';
import { registerWebConsole } from './web-console.js';

export interface ServerDeps {
  logger: Logger;
  registry: EngineRegistry;
  /** People, sessions and API keys in Postgres: sign-in, /api/users, /api/keys. */
  accounts?: Accounts;
  /**
   * Without `accounts` (unit-level harnesses): the principal of a presented API key. With
   * `accounts`, keys are looked up in Postgres and this is not used.
   */
  authenticate?: (key: string) => Principal | undefined | Promise<Principal | undefined>;
  /** Every dependency's state, for `GET /ready`. */
  ready: () => Promise<CheckResult[]>;
  metrics?: Metrics;
  /** The gate's stored refusals (GET /api/refusals, /api/leads/:id/refusals). */
  refusals?: RefusalHistory;
  /** The admin pages' API (campaigns, lists, audit, DNC): src/http/routes/admin.ts. */
  admin?: AdminDeps;
  /** More routes from the table (admin pages' API); registered with the same access control. */
  routes?: (router: Router) => readonly AnyRoute[];
  /**
   * Conditions an admin must see that do not make the process dead (the archive full): listed
   * by `GET /health` as `warnings`, with status `degraded` (still 200: a restart would not help).
   */
  warnings?: () => string[];
  /** The built web console to serve (default: dist/web); false serves none. */
  webRoot?: string | false;
  /** Whether responses say HSTS (behind TLS) [as accounts' secureCookies, else false]. */
  hsts?: boolean;
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The dialer's HTTP API: every route comes from a route table whose rules the router enforces. */
export function buildServer(deps: ServerDeps) {
  // As Fastify's base logger type, so route modules take a plain FastifyInstance.
  const logger: FastifyBaseLogger = deps.logger.child({ component: 'http' });
  const app = Fastify({ loggerInstance: logger, return503OnClosing: true });
  app.setErrorHandler((err: Error, req, reply) => errorHandler(err, req, reply));
  void app.register(fastifyCookie);
  void app.register(fastifyHelmet, helmetOptions(deps.hsts ?? deps.accounts?.options.secureCookies ?? false));
  // Answers under /api carry personal data or credentials: never stored by a browser or proxy.
  app.addHook('onSend', async (req, reply) => {
    if (/^\/api(\/|$)/i.test(req.url) || req.routeOptions.url?.startsWith('/api/')) {
      reply.header('cache-control', 'no-store');
    }
  });
  const router = createRouter(app, routeAuth(deps));
  const notFound = router.notFound.bind(router);
  if (deps.webRoot !== false) registerWebConsole(app, deps.webRoot, notFound);
  else app.setNotFoundHandler(notFound);
  router.add(systemRoutes(deps));
  if (deps.accounts) {
    // A deactivated agent logged in on this process is logged out of their campaign at once.
    const loggedOut = (username: string) => deps.registry.logout(username);
    router.add([...sessionRoutes(deps.accounts), ...userRoutes(deps.accounts, loggedOut)]);
  }
  const { accounts } = deps;
  router.add(
    agentRoutes(deps.registry, accounts ? (e) => writeAudit(accounts.db, e) : () => Promise.resolve()),
  );
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

function helmetOptions(hsts: boolean) {
  return {
    // The console is one same-origin app: scripts and data from here only; recordings and
    // waveforms may be blob: URLs. No upgrade-insecure-requests (the lab is plain loopback HTTP).
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'upgrade-insecure-requests': null,
        'connect-src': ["'self'"],
        'media-src': ["'self'", 'blob:'],
        'worker-src': ["'self'", 'blob:'],
      },
    },
    hsts: hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
}

function routeAuth(deps: ServerDeps): RouteAuth {
  const { accounts } = deps;
  return {
    authenticate: async (req: FastifyRequest) => {
      if (accounts) return accounts.authenticate(req);
      const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      return key ? deps.authenticate?.(key) : undefined;
    },
    campaignId: async (idOrCode) => (await deps.registry.findCampaign(idOrCode))?.id,
    agentCampaigns: (username) => accounts?.assignments.campaignsOf(username) ?? Promise.resolve([]),
  };
}
