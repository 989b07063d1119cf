import { readFileSync } from 'node:fs';
import { isMap, isSeq, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigError } from './errors.js';

/** A parsed YAML file that can say on which line a setting was written. */
export interface YamlFile {
  readonly value: unknown;
  /** The 1-based line of the key at `path`, or of its nearest written parent; undefined if none. */
  readonly lineOf: (path: readonly PropertyKey[]) => number | undefined;
}

/**
 * Reads and parses a YAML file. A missing file or a syntax error throws ConfigError naming the
 * file, with every syntax error's line, column and the lines around it (the caret included).
 */
export function readYamlFile(path: string): YamlFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new ConfigError(path, [`cannot read the file: ${why}`]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length > 0)
    throw new ConfigError(
      path,
      doc.errors.map((e) => syntaxProblem(e.message)),
    );
  return {
    value: doc.toJS() as unknown,
    lineOf: (p) => {
      const offset = offsetOf(doc.contents, p);
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    },
  };
}

/** yaml's pretty message is "what at line L, column C:\n\n<excerpt>\n^": one readable entry. */
export function syntaxProblem(message: string): string {
  const [head = '', ...rest] = message.split('\n');
  const at = /^(.*?) at line (\d+), column (\d+):?$/.exec(head);
  const what = at ? at[1] : head;
  const where = at ? `line ${at[2]}, column ${at[3]}` : 'unknown position';
  const excerpt = rest.filter((l) => l.trim() !== '').map((l) => `      | ${l}`);
  return [`YAML syntax error at ${where}: ${what}`, ...excerpt].join('\n');
}

function offsetOf(root: unknown, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = root;
  let best: Node | undefined = isNode(root) ? root : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (isNode(pair.key)) best = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!isNode(item)) break;
      best = item;
      node = item;
    } else break;
  }
  return best?.range?.[0];
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}
