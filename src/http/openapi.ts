import { z } from 'zod';
import type { Access } from './access.js';
import type { AnyRoute } from './route-spec.js';

type Json = Record<string, unknown>;

/** zod → JSON Schema (draft 2020-12, which OpenAPI 3.1 uses), as a client sends it. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Json {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date')
        Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
    },
  }) as Json;
  delete out['$schema'];
  return out;
}

/** `/api/campaigns/:id/lists` → `/api/campaigns/{id}/lists` */
export const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(where: 'path' | 'query', schema: z.ZodType | undefined, url: string): Json[] {
  const names = where === 'path' ? [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '') : [];
  const s = schema ? jsonSchema(schema) : { properties: {} };
  const props = (s['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((s['required'] as string[] | undefined) ?? []);
  const all = where === 'path' ? names : Object.keys(props);
  return all.map((name) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: props[name] ?? { type: 'string' },
    ...(typeof props[name]?.['description'] === 'string' ? { description: props[name]['description'] } : {}),
  }));
}

/** Who may call it, in words (the route table's rule). */
export function describeAccess(a: Access): string {
  switch (a.kind) {
    case 'public':
      return 'anyone';
    case 'signed-in':
      return 'any signed-in person or API key';
    case 'roles':
      return `roles: ${a.roles.join(', ')}`;
    case 'campaign':
      return `roles: ${a.roles.join(', ')} — for campaigns assigned to them (admins: every campaign)`;
    case 'agent':
      return `the agent themself; ${a.also.join(', ')} for agents on their campaigns`;
  }
}

function requestBody(r: AnyRoute): Json | undefined {
  if (r.rawBody) {
    const content = Object.fromEntries(
      r.rawBody.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }]),
    );
    return { required: true, content };
  }
  if (!r.body) return undefined;
  const schema = jsonSchema(r.body);
  const types = ['application/json', ...(r.bodyTypes ?? [])];
  return { required: true, content: Object.fromEntries(types.map((t) => [t, { schema }])) };
}

const ERROR = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ERROR } },
});

function operation(r: AnyRoute): Json {
  const secured = r.access.kind !== 'public';
  const params = [...parameters('path', r.params, r.url), ...parameters('query', r.query, r.url)];
  const body = requestBody(r);
  return {
    summary: r.summary,
    description: `Access: ${describeAccess(r.access)}.`,
    operationId: `${r.method.toLowerCase()}${openApiPath(r.url).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(r.tags ? { tags: r.tags } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    ...(secured ? {} : { security: [] }),
    responses: {
      '200': {
        description: 'OK (201 for a creation, 202 for a started import)',
        ...(r.response
          ? { content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } }
          : {}),
      },
      ...(params.length > 0 || body
        ? { '400': errorResponse('A parameter or the body is invalid (the message names the field)') }
        : {}),
      ...(secured
        ? {
            '401': errorResponse('Not signed in'),
            '403': errorResponse('Signed in, but this role or campaign is not allowed'),
          }
        : {}),
      '404': errorResponse('Not found'),
    },
  };
}

/** The OpenAPI 3.1 document of the route table: every registered route, its rule and schemas. */
export function openApiDocument(routes: readonly AnyRoute[], info: { version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const path = openApiPath(r.url);
    (paths[path] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dialer API',
      version: info.version,
      description:
        'Sign in (cookie session; send x-csrf-token on changes) or send an API key. Errors are {error}.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] },
      },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (dialer apikey add)' },
        session: { type: 'apiKey', in: 'cookie', name: 'dialer_session' },
      },
    },
    security: [{ apiKey: [] }, { session: [] }],
  };
}

/** `GET /api/openapi.json`: built on request from the routes registered by then (all of them). */
export function openApiRoute(routes: () => readonly AnyRoute[], version: string): AnyRoute {
  let doc: Json | undefined;
  return {
    method: 'GET',
    url: '/api/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document, generated from the route table',
    tags: ['meta'],
    access: { kind: 'public' },
    handler: () => (doc ??= openApiDocument(routes(), { version })),
  };
}
