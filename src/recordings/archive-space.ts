import { statfs } from 'node:fs/promises';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { archiveFull } from '../domain/archive-full.js';
import type { ArchiveSpacePort } from '../ports/recordings.js';

/** How often the archive's free space is looked at. */
export const SPACE_CHECK_MS = 5_000;

export { archiveFull, ArchiveFullError } from '../domain/archive-full.js';

/** What happens to dialling while the archive is full (`recordings.onFull`). */
export type OnArchiveFull = 'pause' | 'continue';

/**
 * The recording archive's free space, looked at every SPACE_CHECK_MS and after a write that
 * failed with ENOSPC. While it is full: recordings are not fetched (they wait in the PBX spool,
 * without counting a failed try), the log has one error line, `/metrics` has
 * `dialer_archive_full 1`, `/health` and `/ready` say so, and with `onFull: pause` no new call
 * starts (live calls go on). When space is back, the recordings that waited are archived.
 */
export class ArchiveSpace implements ArchiveSpacePort {
  private timer?: NodeJS.Timeout;
  private freeBytes = Number.POSITIVE_INFINITY;
  private writeFailed = false;
  private isFull = false;
  private freed = false;

  constructor(
    private readonly root: string,
    private readonly minFreeMb: number,
    readonly onFull: OnArchiveFull,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {}

  get full(): boolean {
    return this.isFull;
  }

  get pausesDialling(): boolean {
    return this.isFull && this.onFull === 'pause';
  }

  describe(): string {
    const free = Number.isFinite(this.freeBytes) ? `${(this.freeBytes / 2 ** 20).toFixed(1)} MB free` : 'free space unknown';
    return `${this.root}: ${free}, below recordings.minFreeMb ${this.minFreeMb} or out of space on the last write; ${
      this.onFull === 'pause' ? 'new calls are paused (recordings.onFull: pause)' : 'calls go on (recordings.onFull: continue)'
    }, recordings wait in the PBX spool`;
  }

  /** True once after the archive had space again (the runner then archives what waited). */
  takeFreed(): boolean {
    const f = this.freed;
    this.freed = false;
    return f;
  }

  start(): void {
    if (this.timer) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), SPACE_CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A write ran out of space: full until a check finds enough free. */
  noteWriteFailed(): void {
    this.writeFailed = true;
    this.set(true);
  }

  async check(): Promise<void> {
    try {
      const s = await statfs(this.root);
      this.freeBytes = s.bavail * s.bsize;
    } catch {
      return; // A missing root is /ready's archive check's business.
    }
    this.metrics?.archiveFreeBytes.set(this.freeBytes);
    const full = archiveFull(this.freeBytes, this.minFreeMb, false);
    if (!full) this.writeFailed = false;
    this.set(full || this.writeFailed);
  }

  private set(full: boolean): void {
    this.metrics?.archiveFull.set(full ? 1 : 0);
    if (full === this.isFull) return;
    this.isFull = full;
    if (full) this.logger.error({ root: this.root, freeBytes: this.freeBytes }, `recording archive full: ${this.describe()}`);
    else {
      this.freed = true;
      this.logger.info({ root: this.root, freeBytes: this.freeBytes }, 'recording archive has space again');
    }
  }
}
