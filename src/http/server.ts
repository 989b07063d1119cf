import Fastify, { type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { EngineRegistry } from '../engine/registry.js';
import type { CheckResult } from '../startup/dependencies.js';
import type { RefusalHistory } from '../ports/refusals.js';
import { mayActAsAgent, type Principal, type Role } from './auth.js';
import { errorHandler, HttpError } from './errors.js';
import { previewHandlers } from './preview-routes.js';
import { refusalHandlers } from './refusal-routes.js';
import { registerWebConsole } from './web-console.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface ServerDeps {
  logger: Logger;
  registry: EngineRegistry;
  authenticate: (key: string) => Principal | undefined;
  /** Every dependency's state, for `GET /ready`. */
  ready: () => Promise<CheckResult[]>;
  metrics?: Metrics;
  /** The gate's stored refusals (GET /api/refusals, /api/leads/:id/refusals). */
  refusals?: RefusalHistory;
  /**
   * Conditions an admin must see that do not make the process dead (the archive full): listed
   * by `GET /health` as `warnings`, with status `degraded` (still 200: a restart would not help).
   */
  warnings?: () => string[];
  /** The built web console to serve (default: dist/web); false serves none. */
  webRoot?: string | false;
}

const usernameParam = z.object({ username: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) });

/** The dialer's HTTP API. Every /api route needs an API key; roles decide what it may do. */
export function buildServer(deps: ServerDeps) {
  const app = Fastify({ loggerInstance: deps.logger.child({ component: 'http' }) });
  app.setErrorHandler((err: Error, req, reply) => errorHandler(err, req, reply));
  if (deps.webRoot !== false) registerWebConsole(app, deps.webRoot);

  app.addHook('onRequest', (req, _reply, done) => {
    if (!req.url.startsWith('/api/')) return done();
    const header = req.headers.authorization ?? '';
    const key = /^Bearer (.+)$/.exec(header)?.[1];
    const principal = key ? deps.authenticate(key) : undefined;
    if (!principal) return done(new HttpError(401, 'a valid API key is required (Authorization: Bearer …)'));
    req.principal = principal;
    done();
  });

  // Liveness: the process answers. Readiness: everything it needs answers (503 when not).
  app.get('/health', () => {
    const warnings = deps.warnings?.() ?? [];
    return { status: warnings.length ? 'degraded' : 'ok', uptimeSec: Math.round(process.uptime()), warnings };
  });
  app.get('/ready', async (_req, reply) => {
    const checks = await deps.ready();
    const ready = checks.every((c) => c.ok);
    return reply.status(ready ? 200 : 503).send({ ready, checks });
  });

  app.get('/metrics', async (_req, reply) => {
    if (!deps.metrics) return reply.status(404).send({ error: 'metrics are off' });
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  const agentAction = (req: FastifyRequest): string => {
    const { username } = usernameParam.parse(req.params);
    if (!req.principal || !mayActAsAgent(req.principal, username)) {
      throw new HttpError(403, `not allowed to act as agent ${username}`);
    }
    return username;
  };

  app.post('/api/agents/:username/login', async (req) => {
    const username = agentAction(req);
    const { campaignId } = z.object({ campaignId: z.number().int().positive() }).strict().parse(req.body);
    await deps.registry.login(username, campaignId);
    return { state: 'ready' };
  });
  app.post('/api/agents/:username/pause', async (req) => {
    const username = agentAction(req);
    const { code } = z
      .object({ code: z.string().min(1).max(40) })
      .strict()
      .parse(req.body);
    await deps.registry.pause(username, code);
    return { state: 'paused', code };
  });
  app.post('/api/agents/:username/resume', async (req) => {
    await deps.registry.resume(agentAction(req));
    return { state: 'ready' };
  });
  app.post('/api/agents/:username/logout', async (req) => {
    await deps.registry.logout(agentAction(req));
    return { state: 'logged-out' };
  });
  app.post('/api/agents/:username/calls/:callId/disposition', async (req, reply) => {
    const username = agentAction(req);
    const { callId } = z.object({ callId: z.string().max(64) }).parse(req.params);
    const result = await deps.registry.dispose(username, callId, req.body);
    return reply.status(201).send(result);
  });

  app.get('/api/campaigns/:id/doctor', async (req) => {
    requireRole(req, ['supervisor', 'admin']);
    const { id } = z
      .object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a campaign id or code') })
      .parse(req.params);
    return deps.registry.diagnose(id);
  });

  if (deps.refusals) {
    const refusals = refusalHandlers(deps.refusals, (req) => requireRole(req, ['supervisor', 'qa', 'admin']));
    app.get('/api/refusals', refusals.ofPhone);
    app.get('/api/leads/:id/refusals', refusals.ofLead);
  }

  const preview = previewHandlers(deps.registry, agentAction);
  app.get('/api/agents/:username/offer', preview.offer);
  app.post('/api/agents/:username/offer/dial', preview.dial);
  app.post('/api/agents/:username/offer/skip', preview.skip);

  app.get('/api/campaigns/:id/live', (req) => {
    requireRole(req, ['supervisor', 'admin']);
    const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(req.params);
    const engine = deps.registry.get(id);
    if (!engine) throw new HttpError(404, `campaign ${id} is not running here`);
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
  });
  return app;
}

function requireRole(req: FastifyRequest, roles: Role[]): void {
  if (!req.principal || !roles.includes(req.principal.role)) {
    throw new HttpError(403, `needs one of the roles: ${roles.join(', ')}`);
  }
}
