import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';

/** One rejected input row: its line number in the file, the field at fault and why. */
export interface Reject {
  row: number;
  field: string;
  reason: string;
  raw: string;
}

export function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes `<input>.rejects.csv` (row, field, reason, raw), created on the first reject so a clean
 * import leaves no file behind (a stale one from an earlier run is removed). Honours stream
 * back-pressure so a file of mostly bad rows cannot fill memory.
 */
export class RejectsWriter {
  private out: WriteStream | undefined;
  private count = 0;

  constructor(readonly path: string) {}

  async start(): Promise<void> {
    await rm(this.path, { force: true });
  }

  async write(r: Reject): Promise<void> {
    if (!this.out) {
      this.out = createWriteStream(this.path, { encoding: 'utf8' });
      this.out.write('row,field,reason,raw\n');
    }
    this.count += 1;
    const line = [r.row, r.field, r.reason, r.raw.replace(/\r?\n$/, '')].map(csvCell).join(',') + '\n';
    if (!this.out.write(line)) await once(this.out, 'drain');
  }

  get written(): number {
    return this.count;
  }

  async close(): Promise<void> {
    if (!this.out) return;
    const out = this.out;
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
}
