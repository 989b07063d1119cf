/** Pure: full when less than `minFreeMb` is free, or a write just failed for want of space. */
export function archiveFull(freeBytes: number, minFreeMb: number, writeFailedSinceCheck: boolean): boolean {
  return writeFailedSinceCheck || freeBytes < minFreeMb * 2 ** 20;
}

/** Thrown instead of archiving while the archive is full: the recording waits in the PBX spool. */
export class ArchiveFullError extends Error {
  constructor(detail: string) {
    super(`recording archive full: ${detail}`);
    this.name = 'ArchiveFullError';
  }
}
