import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/http/openapi.js';
import { startAdminConsole, type AdminConsole } from '../support/admin-console.js';
import { pathMatches, webApiCalls } from '../support/web-api-calls.js';

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        summary: string;
        description: string;
        parameters?: { name: string; in: string }[];
        requestBody?: { content: Record<string, unknown> };
      }
    >
  >;
}

describe('GET /api/openapi.json (generated from the route table)', () => {
  let s: AdminConsole;
  let doc: Doc;
  beforeAll(async () => {
    s = await startAdminConsole('openapi');
    const res = await fetch(`${s.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => s?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('lists every registered route with its method, and nothing else', () => {
    const registered = s.server.routeTable.map((r) => `${r.method} ${openApiPath(r.url)}`).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(registered);
    // Every /api route Fastify knows is in the route table (the router refuses others).
    for (const r of s.server.routeTable)
      expect(s.server.hasRoute({ method: r.method, url: r.url })).toBe(true);
    console.log(
      `OpenAPI document: ${documented.length} operations on ${Object.keys(doc.paths).length} paths`,
    );
    expect(documented).toEqual(
      expect.arrayContaining([
        'POST /api/campaigns/{id}/approve',
        'POST /api/campaigns/{id}/lists',
        'GET /api/imports/{id}/rejects.csv',
        'GET /api/audit',
        'GET /api/dnc/export.csv',
        'GET /api/openapi.json',
      ]),
    );
  });

  it('carries each route rule, parameters and body types', () => {
    const upload = doc.paths['/api/campaigns/{id}/lists']?.['post'];
    expect(upload?.description).toMatch(/admin, supervisor .*assigned/);
    expect(upload?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path' })]);
    expect(Object.keys(upload?.requestBody?.content ?? {})).toEqual(['application/octet-stream']);
    const create = doc.paths['/api/campaigns']?.['post'];
    expect(Object.keys(create?.requestBody?.content ?? {})).toEqual(['application/json', 'application/yaml']);
    const audit = doc.paths['/api/audit']?.['get'];
    expect(audit?.parameters?.map((p) => p.name)).toEqual([
      'entity',
      'entityId',
      'actor',
      'action',
      'since',
      'until',
      'before',
      'limit',
    ]);
  });

  it('has every route the web console calls, with its method (web/src against the document)', () => {
    const ops = Object.entries(doc.paths).flatMap(([path, o]) =>
      Object.keys(o).map((m) => ({ path, method: m.toUpperCase() })),
    );
    const calls = webApiCalls(new URL('../../web/src', import.meta.url).pathname);
    expect(calls.length).toBeGreaterThan(15);
    const missing = calls.filter(
      (c) =>
        !ops.some((o) => pathMatches(o.path, c.path) && (c.method === undefined || o.method === c.method)),
    );
    expect(missing).toEqual([]);
  });
});
