import { rm } from 'node:fs/promises';
import { csvLine } from '../files/csv-writer.js';
import { PrivateFile } from '../files/private-file.js';

/**
 * One rejected input row: its line number in the file, the field at fault, a stable `code`
 * (docs/campaigns.md lists them) for scripts and filters, a `message` for people, and the row
 * as it was.
 */
export interface Reject {
  row: number;
  field: string;
  code: string;
  message: string;
  raw: string;
}

export const REJECTS_HEADER = ['row', 'field', 'code', 'message', 'raw'] as const;

/**
 * Writes `<input>.rejects.csv` (row, field, code, message, raw) through the shared
 * formula-safe CSV writer. The file is created on the first reject, 0600, under a random
 * temporary name that is renamed into place on close (never through a planted symlink); a
 * stale one from an earlier run is removed at start, so a clean import leaves no file behind.
 * Honours stream back-pressure so a file of mostly bad rows cannot fill memory.
 */
export class RejectsWriter {
  private out: PrivateFile | undefined;
  private count = 0;

  constructor(readonly path: string) {}

  async start(): Promise<void> {
    await rm(this.path, { force: true });
  }

  async write(r: Reject): Promise<void> {
    if (!this.out) {
      this.out = await PrivateFile.create(this.path);
      await this.out.write(csvLine(REJECTS_HEADER));
    }
    this.count += 1;
    await this.out.write(csvLine([r.row, r.field, r.code, r.message, r.raw.replace(/\r?\n$/, '')]));
  }

  get written(): number {
    return this.count;
  }

  async close(): Promise<void> {
    await this.out?.commit();
    this.out = undefined;
  }
}
