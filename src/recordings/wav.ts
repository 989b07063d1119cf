/** Reads the duration of a RIFF/WAVE file from its header: data bytes ÷ byte rate. */
export function wavDurationSec(header: Buffer, fileBytes: number): number | undefined {
  if (header.toString('ascii', 0, 4) !== 'RIFF' || header.toString('ascii', 8, 12) !== 'WAVE') return undefined;
  let offset = 12;
  let byteRate: number | undefined;
  while (offset + 8 <= header.length) {
    const id = header.toString('ascii', offset, offset + 4);
    const size = header.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 16 <= header.length) byteRate = header.readUInt32LE(offset + 16);
    if (id === 'data') {
      if (!byteRate) return undefined;
      // Asterisk leaves the size field at its initial value if it dies mid-recording; the file
      // length is the truth then.
      const dataBytes = Math.min(size, fileBytes - (offset + 8));
      return Math.round((dataBytes / byteRate) * 100) / 100;
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}
