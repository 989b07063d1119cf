import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import type { EngineRegistry } from '../../../src/engine/registry.js';
import { buildServer } from '../../../src/http/server.js';
import { labNumber } from '../../../src/lab/number-plan.js';
import { AriDriver } from '../../../src/pbx/asterisk/ari/ari-driver.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { engineTestApp } from '../../support/engine-app.js';
import { countCalls, seedLabCampaign } from '../../support/fault-campaign.js';
import { disposeTakenCalls } from '../../support/fault-desk.js';
import { checkInvariants } from '../../support/invariants.js';
import { carrierLogOffset, labSettings } from '../../support/lab.js';

const MIN_FREE_MB = 0.5;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Mounting a tmpfs needs root; the lab machine's CI runs as root. */
const root = process.getuid?.() === 0;

/**
 * The recording archive on its own small filesystem (a 3 MB tmpfs, mounted by the test) fills
 * up under a running campaign: with `recordings.onFull: pause` no new call starts, the calls up
 * go on, recordings wait in the PBX spool (nothing half-written is kept or marked archived), and
 * `/health` (degraded, with the warning), `/ready` (the archive check fails), `/metrics`
 * (`dialer_archive_full 1`) and the doctor say so. When space is freed dialling resumes, the
 * recordings that waited are archived and verified, and the invariants hold.
 */
describe.skipIf(!root)('fault: the recording archive runs out of disk (tmpfs, root only)', () => {
  let t: TestDb;
  let app: App;
  let registry: EngineRegistry;
  let campaignId = 0;
  const lab = labSettings();
  const mount = mkdtempSync(join(tmpdir(), 'dialer-archive-tmpfs-'));
  const filler = join(mount, 'filler.bin');
  const numbers = Array.from({ length: 8 }, (_, i) => labNumber(9, 3, i, 271));

  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0750', 'tmpfs', mount]);
    // Leave a little more than the minimum: a few recordings fill it.
    const s = statfsSync(mount);
    writeFileSync(filler, Buffer.alloc(Math.max(0, s.bavail * s.bsize - (MIN_FREE_MB + 0.25) * 2 ** 20)));
    t = await createTestDb();
    const base = loadConfig({ env: {}, file: undefined, cwd: process.cwd() });
    const made = engineTestApp(t, 'diskfull', {
      config: { recordings: { ...base.recordings, root: mount, minFreeMb: MIN_FREE_MB, onFull: 'pause' } },
      driver: (logger) => new AriDriver({ ...lab.ari, app: `e2e-diskfull-${process.pid}` }, logger),
    });
    app = made.app;
    await made.pbx();
    ({ campaignId } = await seedLabCampaign(t.db, { code: 'diskfull', numbers, agents: ['agent12'] }));
    registry = app.engines();
  });

  afterAll(async () => {
    await registry?.stopAll(5_000);
    await app?.close();
    await t?.drop();
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  it('pauses new calls while full, says so everywhere, archives what waited once freed', async () => {
    const offset = carrierLogOffset(lab);
    const server = buildServer({
      logger: app.logger,
      registry,
      ready: () => Promise.resolve([]),
      warnings: () => app.warnings(),
      webRoot: false,
    });
    await registry.start(campaignId);
    await registry.login('agent12', campaignId);
    await expect.poll(() => app.archiveSpace.full, { timeout: 60_000, interval: 200 }).toBe(true);
    const fullAt = new Date();

    const health = (await server.inject({ method: 'GET', url: '/health' })).json<{
      status: string;
      warnings: string[];
    }>();
    expect(health.status).toBe('degraded');
    expect(health.warnings.join('\n')).toMatch(/recording archive full: .*new calls are paused/);
    const archiveCheck = app.dependencies().find((d) => d.name === 'archive');
    await expect(archiveCheck?.check()).rejects.toThrow(/below recordings.minFreeMb 0.5/);
    expect(await app.metrics.registry.getSingleMetricAsString('dialer_archive_full')).toMatch(
      /dialer_archive_full 1/,
    );
    const doctor = await registry.diagnose(campaignId);
    expect(doctor.problems.join('\n')).toMatch(/the recording archive is full/);

    // Paused: the call up at that moment may finish, nothing new is reserved.
    await sleep(8_000);
    const during = await countCalls(t.db, campaignId, (q) =>
      q.where('reserved_at', '>', new Date(fullAt.getTime() + 1_000)),
    );
    expect(during, 'calls reserved while the archive was full').toBe(0);
    const waiting = await t
      .db('recordings as r')
      .join('calls as c', 'c.id', 'r.call_id')
      .where('c.campaign_id', campaignId)
      .whereNot('r.status', 'archived')
      .select<{ status: string; path: string | null; sha256: string | null }[]>(
        'r.status',
        'r.path',
        'r.sha256',
      );
    expect(
      waiting.filter((r) => r.path !== null || r.sha256 !== null),
      'half-written marked as stored',
    ).toEqual([]);
    const partials = execFileSync('find', [mount, '-name', '*.partial']).toString().trim();
    expect(partials, 'partial files left in the archive').toBe('');

    rmSync(filler);
    await expect.poll(() => app.archiveSpace.full, { timeout: 15_000, interval: 200 }).toBe(false);
    const summary = await checkInvariants({
      db: t.db,
      campaignId,
      lab,
      carrierOffset: offset,
      dispositions: await disposeTakenCalls(t.db, campaignId),
      probe: { phone: labNumber(9, 3, 9, 271) },
    });
    await server.close();
    console.log(
      `disk full: ${waiting.length} recording(s) waited in the PBX spool;`,
      JSON.stringify(summary),
    );
  });
});
