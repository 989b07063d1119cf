import { open, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

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

/** One folder's SHA256SUMS: absolute file path → the hash it lists (last line wins); empty if none. */
export async function readManifest(folder: string): Promise<Map<string, string>> {
  const listed = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(join(folder, MANIFEST), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return listed;
    throw err;
  }
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (m?.[1] && m[2]) listed.set(join(folder, m[2]), m[1]);
  }
  return listed;
}

/**
 * The manifest lines for archived files, read one manifest at a time: a file's manifest is the
 * nearest SHA256SUMS in its folder or above it (up to the root). Only the last `keep` folders
 * looked at are kept, so memory follows one month's files, not the whole archive's (rows come
 * in id order, which is archive order, so consecutive files share a manifest).
 */
export class ManifestLookup {
  private readonly cache = new Map<string, Map<string, string>>();

  constructor(
    private readonly root: string,
    private readonly keep = 16,
  ) {}

  /** The hash the file's manifest lists for it, if any. */
  async hashOf(file: string): Promise<string | undefined> {
    for (let folder = dirname(file); folder.startsWith(this.root); folder = dirname(folder)) {
      const listed = await this.manifestIn(folder);
      if (listed.size > 0) return listed.get(file);
      if (folder === this.root) break;
    }
    return undefined;
  }

  private async manifestIn(folder: string): Promise<Map<string, string>> {
    const cached = this.cache.get(folder);
    if (cached) return cached;
    const listed = await readManifest(folder);
    this.cache.set(folder, listed);
    if (this.cache.size > this.keep) this.cache.delete(this.cache.keys().next().value ?? '');
    return listed;
  }
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
