import { open, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export const MANIFEST = 'SHA256SUMS';

/**
 * Adds one archived file to its folder's SHA256SUMS, in the format `sha256sum -c` reads
 * (`<hex>  <path relative to the folder>`). One write on an O_APPEND descriptor, so lines from
 * several dialer processes never interleave. A file archived twice (a recovery after a crash
 * between this line and its database row) appears twice with the same hash, which
 * `sha256sum -c` accepts.
 */
export async function addToManifest(folder: string, file: string, sha256: string): Promise<void> {
  const rel = relative(folder, file);
  if (rel.startsWith('..') || /[\n\\]/.test(rel)) throw new Error(`${file} cannot be listed in ${folder}`);
  const fh = await open(join(folder, MANIFEST), 'a', 0o640);
  try {
    await fh.write(`${sha256}  ${rel}\n`);
  } finally {
    await fh.close();
  }
}

/** Every SHA256SUMS under the root: absolute file path → the hash its manifest lists (last wins). */
export async function readManifests(root: string): Promise<Map<string, string>> {
  const listed = new Map<string, string>();
  for await (const file of walk(root)) {
    if (!file.endsWith(`/${MANIFEST}`)) continue;
    const folder = file.slice(0, -MANIFEST.length - 1);
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (m?.[1] && m[2]) listed.set(join(folder, m[2]), m[1]);
    }
  }
  return listed;
}

/** Every regular file under a folder, depth first; a missing root yields nothing. */
export async function* walk(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* walk(path);
    else if (e.isFile()) yield path;
  }
}
