import { constants, createWriteStream, type WriteStream } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

/**
 * Creates a new file that nothing else can have prepared: `O_CREAT | O_EXCL | O_NOFOLLOW`
 * (an existing file or a planted symlink fails the open instead of being followed), with
 * `mode` set explicitly (umask cannot widen it).
 */
export async function createExclusive(path: string, mode: number): Promise<FileHandle> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const fh = await open(path, flags, mode);
  try {
    await fh.chmod(mode);
  } catch (err) {
    await fh.close();
    throw err;
  }
  return fh;
}

/** A hidden sibling of `path` with a random part, so no one can guess it in advance. */
function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
}

/**
 * A file written under a random temporary name (0600 by default, exclusive, no symlinks
 * followed) and renamed onto its real name when committed. `rename` replaces whatever sits at
 * the real name — a symlink included — without following it, and a reader never sees half a file.
 */
export class PrivateFile {
  private constructor(
    readonly path: string,
    readonly tempPath: string,
    readonly stream: WriteStream,
  ) {}

  static async create(path: string, mode = 0o600): Promise<PrivateFile> {
    const tempPath = tempSibling(path);
    const fh = await createExclusive(tempPath, mode);
    const stream = createWriteStream('', { fd: fh, encoding: 'utf8', autoClose: true });
    return new PrivateFile(path, tempPath, stream);
  }

  /** Writes honouring back-pressure. */
  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  /** Flushes, closes and moves the file onto its real name. */
  async commit(): Promise<void> {
    await this.end();
    await rename(this.tempPath, this.path);
  }

  /** Closes and deletes the temporary file. */
  async abort(): Promise<void> {
    await this.end().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }

  private async end(): Promise<void> {
    if (this.stream.closed) return;
    await new Promise<void>((resolve, reject) =>
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    if (!this.stream.closed) await once(this.stream, 'close');
  }
}

/**
 * Copies `source` to a new file at `destination` with `mode` (exclusive, no symlinks followed;
 * a leftover file or link from a crashed copy is removed first — `rm` deletes a link itself,
 * never its target). Returns the bytes written.
 */
export async function copyToNewFile(source: Readable, destination: string, mode: number): Promise<number> {
  await rm(destination, { force: true });
  const fh = await createExclusive(destination, mode);
  const out = createWriteStream('', { fd: fh, autoClose: true });
  await pipeline(source, out);
  return out.bytesWritten;
}

/**
 * Mode of an archived recording: the dialer's user reads and writes, the archive's group (QA,
 * backup) reads, nobody else; its folders are 0750 (src/recordings/archiver.ts).
 */
export const RECORDING_FILE_MODE = 0o640;

/** `copyToNewFile` from a file on disk; a missing source fails before anything is created. */
export async function copyFileToNewFile(source: string, destination: string, mode: number): Promise<number> {
  const input = await open(source, 'r');
  return copyToNewFile(input.createReadStream(), destination, mode);
}
