import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = files(SRC).map((p) => ({ path: relative(SRC, p), text: readFileSync(p, 'utf8') }));

/** Every module a file imports (static imports and re-exports, type-only included). */
function importsOf(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
}

/** The folder under src/ an import of `from` resolves to ('' for src/ itself, or a package name). */
function layerOf(from: string, spec: string): string {
  if (!spec.startsWith('.')) return `pkg:${spec}`;
  const target = relative(SRC, join(SRC, from, '..', spec));
  return target.includes('/') ? (target.split('/')[0] ?? '') : target.replace(/\.js$/, '');
}

const importsFrom = (folder: string) =>
  sources
    .filter((s) => s.path.startsWith(`${folder}/`))
    .flatMap((s) => importsOf(s.text).map((spec) => ({ file: s.path, layer: layerOf(s.path, spec) })));

describe('layers (docs/architecture.md)', () => {
  it('the engine imports no knex, and nothing from the adapters or the wiring', () => {
    const bad = importsFrom('engine').filter((i) =>
      [
        'pkg:knex',
        'pkg:pg',
        'pkg:ioredis',
        'pkg:bullmq',
        'store',
        'queues',
        'recordings',
        'composition',
        'http',
        'diagnosis',
        'app',
        'cli',
      ].includes(i.layer),
    );
    expect(bad).toEqual([]);
  });

  it('no import runs from store/ or queues/ into engine/', () => {
    const bad = [...importsFrom('store'), ...importsFrom('queues')].filter((i) => i.layer === 'engine');
    expect(bad).toEqual([]);
  });

  it('domain/ imports only domain/ and pure libraries; ports/ only types of domain, pacing and the PBX interface', () => {
    const pure = new Set(['domain', 'pkg:zod', 'pkg:luxon', 'pkg:libphonenumber-js']);
    expect(importsFrom('domain').filter((i) => !pure.has(i.layer))).toEqual([]);
    const ports = importsFrom('ports').filter((i) => !['ports', 'domain', 'pacing', 'pbx'].includes(i.layer));
    expect(ports).toEqual([]);
  });

  it('only store/lead-ledger writes leads and callbacks', () => {
    const writers = new Set<string>();
    for (const s of sources) {
      if (s.path.startsWith('store/migrations/')) continue;
      // Raw SQL: update / insert into / delete from the two tables.
      if (/\b(update|insert\s+into|delete\s+from)\s+(leads|callbacks)\b/i.test(s.text)) writers.add(s.path);
      // knex: a statement on either table that inserts, updates or deletes.
      for (const m of s.text.matchAll(/\(\s*['"](leads|callbacks)(\s+as\s+\w+)?['"][^;]*?;/gs)) {
        if (/\.(insert|update|del|delete|increment|decrement)\(/.test(m[0])) writers.add(s.path);
      }
      if (/batchInsert\(\s*['"](leads|callbacks)['"]/.test(s.text)) writers.add(s.path);
    }
    expect([...writers].filter((p) => !p.startsWith('store/lead-ledger/'))).toEqual([]);
    // The check finds the ledger's own writes, so it is looking at the right thing.
    expect([...writers].sort()).toEqual(
      expect.arrayContaining(['store/lead-ledger/new-leads.ts', 'store/lead-ledger/transition.ts']),
    );
  });
});
