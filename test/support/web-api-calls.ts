import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface WebCall {
  file: string;
  /** Undefined when the literal is not the path argument of `api(method, …)` (a URL, an upload). */
  method?: string;
  /** With every `${…}` as `{}` and the query string cut: `/api/campaigns/{}/lists`. */
  path: string;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(p) ? [p] : [];
  });
}

/** The string or template literal starting at `text[i]` (a quote), `${…}` replaced by `{}`. */
function literal(text: string, i: number): string {
  const quote = text[i];
  let out = '';
  for (let j = i + 1; j < text.length; j += 1) {
    const c = text[j];
    if (c === quote) return out;
    if (quote === '`' && c === '$' && text[j + 1] === '{') {
      let depth = 0;
      for (j += 1; j < text.length; j += 1) {
        if (text[j] === '{') depth += 1;
        else if (text[j] === '}' && --depth === 0) break;
      }
      out += '{}';
      continue;
    }
    out += c;
  }
  return out;
}

/** Every `/api/…` path the console's sources name, with the method where `api('METHOD', …)` gives one. */
export function webApiCalls(root: string): WebCall[] {
  const calls: WebCall[] = [];
  for (const file of files(root)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:'(GET|POST|PUT|PATCH|DELETE)',\s*)?(['`])\/api\//g)) {
      const start = (m.index ?? 0) + m[0].length - 6;
      const path = literal(text, start).split('?')[0] ?? '';
      calls.push({ file: relative(root, file), method: m[1], path });
    }
  }
  return calls;
}

/** Whether an OpenAPI path (`/api/campaigns/{id}/approve`) can be the console's path (`/api/campaigns/{}/{}`). */
export function pathMatches(openApi: string, web: string): boolean {
  const a = openApi.split('/');
  const b = web.split('/');
  return (
    a.length === b.length &&
    a.every((seg, i) => seg === b[i] || b[i] === '{}' || (/^\{.+\}$/.test(seg) && /^\{\}$/.test(b[i] ?? '')))
  );
}
