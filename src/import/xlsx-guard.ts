import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { ImportFileError } from './lead-row.js';

/**
 * What an .xlsx may unpack to before the workbook reader sees it. A workbook is a zip: a 1.7 MB
 * file can unpack to gigabytes, and the reader keeps the shared-string table and styles in
 * memory and every cell's text in one string. The limits are far above any real lead list (a
 * million-row sheet unpacks to about 150 MB) and far below what would exhaust the process.
 */
export interface XlsxLimits {
  /** Any one entry that the reader keeps in memory (shared strings, styles, workbook). */
  maxHeldEntryBytes: number;
  /** A worksheet (streamed, so it may be large). */
  maxSheetBytes: number;
  /** Text between two XML tags: one cell. Import field limits are far smaller. */
  maxTextRunBytes: number;
  maxEntries: number;
}

export const DEFAULT_XLSX_LIMITS: XlsxLimits = {
  maxHeldEntryBytes: 64 * 1024 * 1024,
  maxSheetBytes: 2 * 1024 * 1024 * 1024,
  maxTextRunBytes: 1024 * 1024,
  maxEntries: 10_000,
};

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

const MB = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;

/**
 * Unpacks every entry once, counting bytes and the longest text run, and throws ImportFileError
 * naming the entry and the limit as soon as one is passed (the inflater stops there, so memory
 * stays bounded). Run before the workbook reader: a refused file imports nothing.
 */
export async function checkXlsxBomb(file: string, limits: XlsxLimits = DEFAULT_XLSX_LIMITS): Promise<void> {
  const entries = await readCentralDirectory(file);
  if (entries.length > limits.maxEntries) {
    fail(file, `it holds ${entries.length} zip entries (more than ${limits.maxEntries})`);
  }
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const isSheet = /^xl\/worksheets\/[^/]+\.xml$/.test(e.name);
    const max = isSheet ? limits.maxSheetBytes : limits.maxHeldEntryBytes;
    await inflateEntry(file, e, max, limits.maxTextRunBytes);
  }
}

function fail(file: string, why: string): never {
  throw new ImportFileError(
    `${file} is not a workbook this importer will open: ${why}. Nothing was imported.`,
  );
}

async function readCentralDirectory(file: string): Promise<ZipEntry[]> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await fh.read(tail, 0, tailLength, size - tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) fail(file, 'it is not a zip file (an .xlsx is one)');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff) fail(file, 'it is a ZIP64 archive (over 4 GB)');
    if (cdOffset + cdSize > size) fail(file, 'its zip directory is damaged');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    return parseEntries(file, cd, count);
  } finally {
    await fh.close();
  }
}

function parseEntries(file: string, cd: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) fail(file, 'its zip directory is damaged');
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    entries.push({
      method: cd.readUInt16LE(p + 10),
      compressedSize: cd.readUInt32LE(p + 20),
      localHeaderOffset: cd.readUInt32LE(p + 42),
      name: cd.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function inflateEntry(file: string, e: ZipEntry, maxBytes: number, maxRun: number): Promise<void> {
  if (e.method !== 0 && e.method !== 8) fail(file, `${e.name} uses zip method ${e.method}`);
  const start = await dataOffset(file, e);
  if (e.compressedSize === 0) return;
  const raw = createReadStream(file, { start, end: start + e.compressedSize - 1 });
  const stream = e.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  let total = 0;
  let run = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) fail(file, `${e.name} unpacks to more than ${MB(maxBytes)}`);
      run = longestRun(chunk, run, maxRun, () =>
        fail(file, `${e.name} holds a cell or text over ${MB(maxRun)}`),
      );
    }
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    fail(file, `${e.name} cannot be unpacked (${(err as Error).message})`);
  } finally {
    raw.destroy();
    if (stream !== raw) stream.destroy();
  }
}

/** Length of the text run still open at the chunk's end; calls `over` when one passes `max`. */
function longestRun(chunk: Buffer, carried: number, max: number, over: () => never): number {
  let run = carried;
  let from = 0;
  for (;;) {
    const lt = chunk.indexOf(0x3c, from); // '<'
    const end = lt < 0 ? chunk.length : lt;
    run += end - from;
    if (run > max) over();
    if (lt < 0) return run;
    run = 0;
    from = lt + 1;
  }
}

async function dataOffset(file: string, e: ZipEntry): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const header = Buffer.alloc(30);
    await fh.read(header, 0, 30, e.localHeaderOffset);
    if (header.readUInt32LE(0) !== 0x04034b50) fail(file, `the zip header of ${e.name} is damaged`);
    return e.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await fh.close();
  }
}
