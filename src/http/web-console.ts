import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';

/** Where `npm run build:web` writes the console (from src/http or dist/http alike: <repo>/dist/web). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** Paths that are the API's or the service's own: never answered with the console's page. */
const NOT_CONSOLE = /^\/(api|health|metrics)(\/|$|\?)/;

/**
 * Serves the built web console (Vite output) from `root`: hashed assets with a long cache, and
 * index.html for every other GET that wants HTML (the single-page app's routes, e.g.
 * /campaigns/7). Unknown /api paths and non-HTML requests keep a JSON 404. When the console is
 * not built, / says how to build it instead.
 */
export function registerWebConsole<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, L>,
  root = DEFAULT_WEB_ROOT,
  /** What a request that is not for a console page gets (the API's JSON 404/405). */
  notFound: (req: FastifyRequest, reply: FastifyReply) => FastifyReply = (req, reply) =>
    reply.status(404).send({ error: `no route ${req.method} ${req.url.split('?')[0] ?? ''}` }),
): void {
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    void app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: false,
      // Vite's assets have content hashes in their names: cache them for good; the page itself
      // is checked every time so a new build is picked up at once.
      setHeaders: (reply, path) => {
        reply.header(
          'cache-control',
          path.startsWith(join(root, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    if (!wantsConsolePage(req)) return notFound(req, reply);
    if (!built) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web console is not built. Run `npm run build:web`, then reload.\n');
    }
    return reply.sendFile('index.html');
  });
}

function wantsConsolePage(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (NOT_CONSOLE.test(req.url)) return false;
  if (/\/[^/]+\.[a-z0-9]+$/i.test(req.url.split('?')[0] ?? '')) return false; // a missing file, not a page
  return (req.headers.accept ?? '').includes('text/html');
}
