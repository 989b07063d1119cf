import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { z } from 'zod';
import { ZodError } from 'zod';
import { decide, type Access, type AccessFacts } from './access.js';
import { HttpError, RequestValidationError } from './errors.js';
import type { Principal } from './principal.js';

export { access, type Access } from './access.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyInstance {
    /** Every route of the route table registered on this server (matrix test, API document). */
    routeTable: readonly AnyRoute[];
  }
  interface FastifyContextConfig {
    /** The route's row of the route table (set only by `createRouter`). */
    route?: AnyRoute;
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives: the checked principal and the parsed params, query and body. */
export interface RouteContext<P, Q, B> {
  req: FastifyRequest;
  reply: FastifyReply;
  /** Undefined only on `public` routes. */
  principal: Principal | undefined;
  params: P;
  query: Q;
  body: B;
}

/** One row of the route table. */
export interface RouteSpec<PS = undefined, QS = undefined, BS = undefined> {
  method: Method;
  url: string;
  summary: string;
  /** Who may call it (src/http/access.ts). A route without one cannot be registered. */
  access: Access;
  params?: PS;
  query?: QS;
  /** A zod schema for a JSON body; omit for routes without one (or with a raw body). */
  body?: BS;
  tags?: string[];
  /** Largest body in bytes, when not Fastify's default (1 MiB). */
  bodyLimit?: number;
  /** Media types of a raw body the handler reads itself (a file upload), for the API document. */
  rawBody?: string[];
  /** Media types `body` may also arrive as besides JSON (e.g. application/yaml). */
  bodyTypes?: string[];
  /** The JSON answer's schema, for the API document (and the console's generated types). */
  response?: Schema;
  handler(ctx: RouteContext<Out<PS>, Out<QS>, Out<BS>>): unknown;
}

/** A route of any schema types, as stored in the table. */
export interface AnyRoute {
  method: Method;
  url: string;
  summary: string;
  access: Access;
  params?: Schema;
  query?: Schema;
  body?: Schema;
  tags?: string[];
  bodyLimit?: number;
  rawBody?: string[];
  bodyTypes?: string[];
  response?: Schema;
  handler(ctx: RouteContext<unknown, unknown, unknown>): unknown;
}

/** Declares a route with its handler typed from its schemas. */
export function route<
  PS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  BS extends Schema | undefined = undefined,
>(spec: RouteSpec<PS, QS, BS>): AnyRoute {
  return spec;
}

/** How the access check looks things up; `authenticate` reads the session cookie or the API key. */
export interface RouteAuth {
  authenticate(req: FastifyRequest): Promise<Principal | undefined>;
  /** A campaign's id from its id or code (undefined when there is none). */
  campaignId(idOrCode: string): Promise<number | undefined>;
  /** The campaigns an agent (by username) is assigned to. */
  agentCampaigns(username: string): Promise<number[]>;
}

export interface Router {
  /** Registers routes from the table; each route's access rule is enforced by the router. */
  add(routes: readonly AnyRoute[]): void;
  /** Every route registered so far (the authorisation matrix and the API document read it). */
  readonly routes: readonly AnyRoute[];
  /** Answers a request no route matched: 405 naming the allowed methods when the path exists, else 404. */
  notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The one place where authentication and authorisation happen. Installs, once per server:
 * - a guard that refuses to register any /api route that did not come from the route table
 *   (so a route without a rule is a start-up error, not an open door);
 * - the door: an onRequest hook that authenticates, checks CSRF on cookie sessions and applies
 *   the matched route's rule — from the route itself, never from the raw URL string, so
 *   `/%61pi/…` is judged like `/api/…`; unknown paths under /api (decoded) answer 401 to
 *   strangers before routing's 404.
 */
export function createRouter(app: FastifyInstance, auth: RouteAuth): Router {
  const routes: AnyRoute[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (opts) => {
    if (isApiPath(opts.url) && !opts.config?.route?.access) {
      throw new Error(
        `route ${String(opts.method)} ${opts.url} has no access rule: add it to the route table`,
      );
    }
  });
  app.addHook('onRequest', async (req) => {
    const spec = req.routeOptions.config?.route;
    if (!spec) {
      if (isApiPath(normalisedPath(req.url)) && !(await auth.authenticate(req))) {
        throw new HttpError(401, 'sign in or send an API key (Authorization: Bearer …)');
      }
      return;
    }
    const rule = spec.access;
    if (rule.kind === 'public') return;
    const principal = await auth.authenticate(req);
    if (!principal) throw new HttpError(401, 'sign in or send an API key (Authorization: Bearer …)');
    // A rule that looks up its path parameter (campaign, agent) needs it valid first: a bad one
    // is a 400 for everyone signed in. Other rules judge the caller first, so a caller the rule
    // refuses gets 403 whatever the path says.
    const looksUp = rule.kind === 'campaign' || rule.kind === 'agent';
    if (looksUp) req.params = parsePart('path', spec.params, req.params);
    const param = paramOf(req, rule);
    const decision = decide(rule, principal, param, principal ? await factsFor(rule, param, auth) : {});
    if (!decision.allow) throw new HttpError(decision.status, decision.error);
    if (!looksUp) req.params = parsePart('path', spec.params, req.params);
    if (principal?.session && !SAFE_METHODS.has(req.method)) checkCsrf(req, principal.session.csrfToken);
    req.principal = principal;
  });
  const patterns: { method: Method; re: RegExp }[] = [];
  return {
    routes,
    add(list) {
      for (const r of list) {
        routes.push(r);
        patterns.push({ method: r.method, re: urlPattern(r.url) });
        app.route(toFastify(r));
      }
    },
    notFound(req, reply) {
      const path = normalisedPath(req.url);
      const allowed: string[] = [...new Set(patterns.filter((p) => p.re.test(path)).map((p) => p.method))];
      if (allowed.includes('GET')) allowed.push('HEAD');
      if (allowed.length > 0) {
        return reply
          .status(405)
          .header('allow', allowed.join(', '))
          .send({ error: `${req.method} is not allowed on ${path} (allowed: ${allowed.join(', ')})` });
      }
      return reply.status(404).send({ error: `no route ${req.method} ${path}` });
    },
  };
}

/** A route url (`/api/users/:username`) as a regular expression over concrete paths. */
function urlPattern(url: string): RegExp {
  const body = url
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

function toFastify(r: AnyRoute): RouteOptions {
  return {
    method: r.method,
    url: r.url,
    config: { route: r },
    ...(r.bodyLimit ? { bodyLimit: r.bodyLimit } : {}),
    handler: async (req, reply) => {
      // Public routes' parameters are parsed here; the door parsed every other route's.
      const params = r.access.kind === 'public' ? parsePart('path', r.params, req.params) : req.params;
      const query = parsePart('query', r.query, req.query);
      const body = parsePart('body', r.body, req.body);
      return r.handler({ req, reply, principal: req.principal, params, query, body });
    },
  };
}

function parsePart(part: 'path' | 'query' | 'body', schema: Schema | undefined, value: unknown): unknown {
  if (!schema) return value;
  try {
    return schema.parse(value ?? (part === 'body' ? undefined : {}));
  } catch (err) {
    if (err instanceof ZodError) throw new RequestValidationError(part, err);
    throw err;
  }
}

async function factsFor(rule: Access, param: string | undefined, auth: RouteAuth): Promise<AccessFacts> {
  if (param === undefined) return {};
  if (rule.kind === 'campaign') return { campaignId: await auth.campaignId(param) };
  if (rule.kind === 'agent') return { agentCampaigns: await auth.agentCampaigns(param) };
  return {};
}

function paramOf(req: FastifyRequest, rule: Access): string | undefined {
  if (rule.kind !== 'campaign' && rule.kind !== 'agent') return undefined;
  const value = (req.params as Record<string, unknown> | undefined)?.[rule.param];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function checkCsrf(req: FastifyRequest, expected: string): void {
  const sent = req.headers['x-csrf-token'];
  const a = Buffer.from(typeof sent === 'string' ? sent : '');
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new HttpError(403, 'missing or wrong CSRF token (send the x-csrf-token header from your session)');
  }
}

/** The request's path as the router sees it: percent-decoded, repeated slashes collapsed. */
export function normalisedPath(url: string): string {
  const raw = url.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'the path is not valid percent-encoding');
  }
  return decoded.replace(/\/{2,}/g, '/');
}

function isApiPath(path: string): boolean {
  return /^\/api(\/|$)/i.test(path);
}
