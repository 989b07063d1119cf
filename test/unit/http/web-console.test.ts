import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { registerWebConsole } from '../../../src/http/web-console.js';

const html = { accept: 'text/html,application/xhtml+xml' };

describe('serving the web console', () => {
  const root = mkdtempSync(join(tmpdir(), 'dialer-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  const app = Fastify();
  registerWebConsole(app, root);
  app.get('/api/thing', () => ({ ok: true }));
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(['/', '/campaigns', '/campaigns/7/approve'])('%s is the console page, not cached', async (url) => {
    const res = await app.inject({ url, headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>console</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('hashed assets are cached for good', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it.each([
    ['/api/nothing', html],
    ['/health/x', html],
    ['/assets/missing.js', html],
    ['/campaigns', { accept: 'application/json' }],
  ])('%s (%j) stays a JSON 404', async (url, headers) => {
    const res = await app.inject({ url, headers });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: `no route GET ${url}` });
  });

  it('a POST to a console path is a 404, not the page', async () => {
    const res = await app.inject({ method: 'POST', url: '/campaigns', headers: html });
    expect(res.statusCode).toBe(404);
  });

  it('an unbuilt console says how to build it', async () => {
    const bare = Fastify();
    registerWebConsole(bare, join(root, 'nope'));
    const res = await bare.inject({ url: '/', headers: html });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await bare.close();
  });
});
