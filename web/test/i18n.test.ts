import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { zhCN } from '../src/i18n/zh-CN';

type Tree = { readonly [k: string]: string | Tree };

/** Every leaf key of a message tree, dotted: "nav.campaigns". */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const EN = leaves(en);
const ZH = leaves(zhCN);

describe('console strings', () => {
  it('zh-CN has every English key and no other', () => {
    expect([...ZH.keys()].filter((k) => !EN.has(k))).toEqual([]);
    expect([...EN.keys()].filter((k) => !ZH.has(k))).toEqual([]);
  });

  it('no string is empty, and both languages use the same {{placeholders}}', () => {
    for (const [k, v] of EN) {
      expect(v.trim(), `en ${k}`).not.toBe('');
      expect(ZH.get(k)?.trim(), `zh-CN ${k}`).not.toBe('');
      expect(placeholders(ZH.get(k) ?? ''), `placeholders of ${k}`).toEqual(placeholders(v));
    }
  });

  it('every key a page asks for with t("…") exists (plural keys by their _one/_other forms)', () => {
    const root = join(import.meta.dirname, '..', 'src');
    const missing: string[] = [];
    for (const file of sourceFiles(root)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_.-]+)'/g)) {
        const key = m[1] ?? '';
        if (!EN.has(key) && !EN.has(`${key}_one`)) missing.push(`${file.slice(root.length + 1)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the check above finds keys at all (a test that cannot pass vacuously)', () => {
    const uses = sourceFiles(join(import.meta.dirname, '..', 'src'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n')
      .match(/\bt\(\s*'[A-Za-z0-9_.-]+'/g);
    expect(uses?.length ?? 0).toBeGreaterThan(10);
  });
});
