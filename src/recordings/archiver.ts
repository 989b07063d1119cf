import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../logger.js';
import type { PbxDriver } from '../pbx/pbx-driver.js';
import type { ArchivedRecording, ArchiveRequest, ArchiveSpacePort, RecordingArchive } from '../ports/recordings.js';
import { ArchiveFullError } from '../domain/archive-full.js';
import { DEFAULT_LAYOUT, layoutPath, manifestFolder, type LayoutFields } from '../domain/recording-layout.js';
import { addToManifest } from './manifest.js';
import { wavDurationSec } from './wav.js';

export type { ArchiveRequest } from '../ports/recordings.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Where a call's recording is filed: the root joined with the layout's rendered path. */
export function archivePath(root: string, layout: string, f: LayoutFields): string {
  return join(root, layoutPath(layout, f));
}

/**
 * Moves a finished recording from the PBX into the permanent archive. The PBX's copy is deleted
 * only after the archived file is re-read, its sha256 matches the copy that was fetched, and
 * `persist` has stored path and hash — so a crash at any step leaves at least one good copy.
 */
export class RecordingArchiver implements RecordingArchive {
  constructor(
    private readonly root: string,
    private readonly logger: Logger,
    /** recordings.layout: where under the root a call's file goes (src/recordings/layout.ts). */
    private readonly layout: string = DEFAULT_LAYOUT,
    private readonly space?: ArchiveSpacePort,
  ) {}

  async archive(
    pbx: PbxDriver,
    request: ArchiveRequest,
    persist: (archived: ArchivedRecording) => Promise<void>,
  ): Promise<ArchivedRecording> {
    if (this.space?.full) throw new ArchiveFullError(this.space.describe());
    const finalPath = archivePath(this.root, this.layout, request);
    const partial = `${finalPath}.partial`;
    let bytes: number;
    let sha256: string;
    try {
      await mkdir(dirname(finalPath), { recursive: true, mode: 0o750 });
      ({ bytes } = await pbx.fetchRecording(request.pbxName, partial));
      sha256 = await sha256File(partial);
      await rename(partial, finalPath);
    } catch (err) {
      // Nothing half-written stays behind (the PBX keeps its copy).
      await rm(partial, { force: true });
      if (!isOutOfSpace(err)) throw err;
      this.space?.noteWriteFailed();
      throw new ArchiveFullError(`${request.pbxName}: ${String(err)}`);
    }
    const again = await sha256File(finalPath);
    if (again !== sha256 || (await stat(finalPath)).size !== bytes) {
      await rm(finalPath, { force: true });
      throw new Error(`archived copy of ${request.pbxName} does not verify`);
    }
    const durationSec = (await readDuration(finalPath, bytes)) ?? 0;
    // The manifest line before the row: an auditor's `sha256sum -c` never misses a file the
    // database calls archived (a crash in between lists a file twice, which it accepts).
    await addToManifest(join(this.root, manifestFolder(this.layout, request)), finalPath, sha256);
    const archived = { path: finalPath, sha256, bytes, durationSec };
    await persist(archived);
    try {
      await pbx.deleteRecording(request.pbxName);
    } catch (err) {
      // The archive is safe; a spool copy left behind is only disk space.
      this.logger.warn({ err, recording: request.pbxName }, 'could not delete the PBX copy');
    }
    return archived;
  }
}

/** ENOSPC (or a quota), anywhere in the error's causes. */
function isOutOfSpace(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT' || /ENOSPC|no space left/i.test(e.message)) return true;
  }
  return false;
}

async function readDuration(path: string, bytes: number): Promise<number | undefined> {
  const fh = await open(path, 'r');
  try {
    const header = Buffer.alloc(Math.min(4096, bytes));
    await fh.read(header, 0, header.length, 0);
    return wavDurationSec(header, bytes);
  } finally {
    await fh.close();
  }
}
