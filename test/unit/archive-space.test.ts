import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { Metrics } from '../../src/metrics.js';
import { archiveFull, ArchiveSpace } from '../../src/recordings/archive-space.js';

describe('archive space', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialer-space-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [100 * 2 ** 20, 200, false, true],
    [300 * 2 ** 20, 200, false, false],
    [300 * 2 ** 20, 200, true, true],
  ])('archiveFull(%i bytes free, min %i MB, write failed %s) = %s', (free, min, failed, want) => {
    expect(archiveFull(free, min, failed)).toBe(want);
  });

  it('full below minFreeMb: one error line, metric 1, pauses dialling; space back: info line, metric 0', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as never);
        done();
      },
    });
    const metrics = new Metrics();
    // More free space than any disk has: full.
    const space = new ArchiveSpace(
      dir,
      1e12,
      'pause',
      createLogger({ level: 'info', name: 't', destination: sink }),
      metrics,
    );
    await space.check();
    await space.check();
    expect(space.full).toBe(true);
    expect(space.pausesDialling).toBe(true);
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
      expect.stringMatching(/^recording archive full: /),
    ]);
    expect(await metrics.registry.getSingleMetricAsString('dialer_archive_full')).toMatch(
      /dialer_archive_full 1/,
    );
    // A write that ran out of space keeps it full until a check finds room.
    const roomy = new ArchiveSpace(
      dir,
      0.001,
      'continue',
      createLogger({ level: 'info', name: 't', destination: sink }),
      metrics,
    );
    roomy.noteWriteFailed();
    expect(roomy.full).toBe(true);
    expect(roomy.pausesDialling, 'onFull: continue').toBe(false);
    await roomy.check();
    expect(roomy.full).toBe(false);
    expect(roomy.takeFreed()).toBe(true);
    expect(roomy.takeFreed()).toBe(false);
    expect(lines.at(-1)?.msg).toBe('recording archive has space again');
  });
});
