import { open } from 'node:fs/promises';

export type EncodingVerdict = 'ascii' | 'utf8' | 'not-utf8';

/** How much of the file is looked at to decide whether it is UTF-8 at all. */
const SNIFF_BYTES = 64 * 1024;

/** Length of the UTF-8 sequence starting at `buf[i]`, or 0 when the bytes there are not UTF-8. */
function sequenceLength(buf: Uint8Array, i: number): number {
  const b = buf[i] ?? 0;
  const need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b <= 0xdf ? 1 : -1;
  if (need < 0 || b > 0xf4) return 0;
  for (let k = 1; k <= need; k += 1) {
    const c = buf[i + k];
    if (c === undefined) return need + 1; // cut at the sniff boundary: give it the benefit of the doubt
    if ((c & 0xc0) !== 0x80) return 0;
  }
  return need + 1;
}

/** Counts well-formed multi-byte UTF-8 sequences and stray non-ASCII bytes. */
export function utf8Stats(buf: Uint8Array): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < buf.length;) {
    if ((buf[i] ?? 0) < 0x80) {
      i += 1;
      continue;
    }
    const n = sequenceLength(buf, i);
    if (n === 0) {
      invalid += 1;
      i += 1;
    } else {
      valid += 1;
      i += n;
    }
  }
  return { valid, invalid };
}

/**
 * Decides from the head of a file whether it is UTF-8. A file where stray bytes outnumber
 * well-formed sequences is another encoding (Latin-1, GBK…) and is refused whole, since every
 * non-ASCII value in it would be garbled; a UTF-8 file with a few bad bytes is imported and
 * only the rows holding them are rejected, naming the column.
 */
export function verdictOf(stats: { valid: number; invalid: number }): EncodingVerdict {
  if (stats.invalid === 0) return stats.valid === 0 ? 'ascii' : 'utf8';
  return stats.invalid > stats.valid ? 'not-utf8' : 'utf8';
}

export async function sniffEncoding(file: string): Promise<EncodingVerdict> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return verdictOf(utf8Stats(buf.subarray(0, bytesRead)));
  } finally {
    await fh.close();
  }
}
