import type { z } from 'zod';

/** A configuration that cannot be used; `problems` lists every offending key, one line each. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: string[],
    /** A line after the problems, e.g. why this file was read at all. */
    readonly note?: string,
  ) {
    super(
      `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  - ${problems.join('\n  - ')}${note ? `\n${note}` : ''}`,
    );
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** Where a setting was written (1-based line), when it came from a file. */
export type LineOf = (path: readonly PropertyKey[]) => number | undefined;

/** One problem line: `key (line N): message`. */
export function problemLine(path: readonly PropertyKey[], message: string, lineOf?: LineOf): string {
  const line = lineOf?.(path);
  return `${formatPath(path) || '(top level)'}${line === undefined ? '' : ` (line ${line})`}: ${message}`;
}

/** Turns zod issues into one readable line each, with a "did you mean" for misspelt keys. */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  known: (path: PropertyKey[]) => string[],
  lineOf?: LineOf,
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = closest(key, known(path));
        lines.push(
          problemLine([...path, key], `unknown key${hint ? ` — did you mean "${hint}"?` : ''}`, lineOf),
        );
      }
      continue;
    }
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    lines.push(
      problemLine(path, missing ? `is required (expected ${issue.expected})` : issue.message, lineOf),
    );
  }
  return lines;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Optimal-string-alignment distance: a swapped pair of letters ("levle") counts as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
