import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { PbxDriver } from '../../src/pbx/pbx-driver.js';
import { RecordingArchiver } from '../../src/recordings/archiver.js';
import { reconcileArchive } from '../../src/recordings/reconcile.js';
import { archiveIsWhole, verifyArchive } from '../../src/recordings/verify.js';
import { RecordingRepository } from '../../src/store/repositories/recordings.js';
import { createTestDb, type TestDb } from '../support/db.js';

const run = promisify(execFile);
const logger = createLogger({ level: 'silent', name: 'archive-test' });

/** A 16-bit mono 8 kHz WAV of `samples` samples, distinct per seed. */
function wav(seed: number, samples = 8000): Buffer {
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(8000 * Math.sin((i * (seed + 1)) / 7)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** Only what the archiver asks of a PBX: hand over a finished file, delete the spool copy. */
function spoolOf(files: Map<string, Buffer>): PbxDriver {
  return {
    fetchRecording: async (name: string, dest: string) => {
      const bytes = files.get(name);
      if (!bytes) throw new Error(`no recording ${name}`);
      await writeFile(dest, bytes);
      return { bytes: bytes.length };
    },
    deleteRecording: (name: string) => Promise.resolve(void files.delete(name)),
  } as unknown as PbxDriver;
}

describe('recordings archive: year/month/purpose layout, SHA256SUMS, verify, reconcile (real Postgres, real files)', () => {
  let t: TestDb;
  let root = '';
  let campaignId = 0;
  const callIds = ['arc-1', 'arc-2', 'arc-3'];

  beforeAll(async () => {
    t = await createTestDb();
    root = await mkdtemp(join(tmpdir(), 'dialer-archive-'));
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'winter', name: 'Winter', purpose: 'marketing' })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
    const [l] = await t
      .db('leads')
      .insert({ campaign_id: campaignId, phone_e164: '+15555550100', timezone: 'UTC' })
      .returning<{ id: number }[]>('id');
    const at = new Date('2026-11-20T10:00:00Z');
    for (const [i, id] of callIds.entries()) {
      await t.db('calls').insert({
        id,
        campaign_id: campaignId,
        lead_id: l?.id,
        attempt: i + 1,
        phone_e164: '+15555550100',
        answered_at: at,
        ended_at: at,
        outcome: 'answered',
      });
    }
    // A sale on a call whose recording will never be archived (arc-4 has no recording at all).
    await t.db('calls').insert({
      id: 'arc-4',
      campaign_id: campaignId,
      lead_id: l?.id,
      attempt: 9,
      phone_e164: '+15555550100',
      answered_at: at,
      outcome: 'answered',
    });
    await t.db('dispositions').insert({ call_id: 'arc-4', code: 'SALE', sale: { product: 'plan-a' } });
    const spool = new Map(callIds.map((id, i) => [`rec-${id}`, wav(i)]));
    const archiver = new RecordingArchiver(root, logger);
    const repo = new RecordingRepository(t.db);
    for (const id of callIds) {
      await repo.started(id, `rec-${id}`);
      await archiver.archive(
        spoolOf(spool),
        { pbxName: `rec-${id}`, callId: id, campaignCode: 'winter', purpose: 'marketing', at },
        (a) => repo.archived(`rec-${id}`, a),
      );
    }
    expect(spool.size).toBe(0); // every spool copy deleted after its archive verified
  });

  afterAll(async () => {
    await t?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const month = () => join(root, '2026', '11');

  it('files by year, month and project type, and `sha256sum -c` on the month folder passes', async () => {
    const paths = await t.db('recordings').orderBy('call_id').pluck<string[]>('path');
    expect(paths).toEqual(callIds.map((id) => join(month(), 'marketing', 'winter', `${id}.wav`)));
    const manifest = await readFile(join(month(), 'SHA256SUMS'), 'utf8');
    expect(manifest.trim().split('\n')).toHaveLength(3);
    const { stdout } = await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: month() });
    expect(stdout.trim().split('\n')).toEqual(callIds.map((id) => `marketing/winter/${id}.wav: OK`));
  });

  it('verify: a whole archive is whole', async () => {
    const seen: number[] = [];
    const r = await verifyArchive(t.db, root, { onProgress: (p) => seen.push(p.files) });
    expect(r).toMatchObject({ checked: 3, ok: 3, missing: [], altered: [], unknown: [], notInManifest: [] });
    expect(seen).toEqual([1, 2, 3]);
    expect(archiveIsWhole(r)).toBe(true);
  });

  it('verify finds a deleted file, a file altered by one byte and a stray file; sha256sum -c fails too', async () => {
    const [p1, p2] = callIds.map((id) => join(month(), 'marketing', 'winter', `${id}.wav`));
    await unlink(p1!);
    const bytes = await readFile(p2!);
    bytes[100] = (bytes[100]! + 1) % 256;
    await writeFile(p2!, bytes);
    const stray = join(month(), 'marketing', 'winter', 'no-such-call.wav');
    await mkdir(join(month(), 'marketing', 'winter'), { recursive: true });
    await writeFile(stray, wav(7));
    await writeFile(`${stray}.partial`, 'half');
    const r = await verifyArchive(t.db, root);
    expect(r.missing).toEqual([{ callId: 'arc-1', path: p1 }]);
    expect(r.altered.map((a) => a.callId)).toEqual(['arc-2']);
    expect(r.unknown).toEqual([stray]);
    expect(r.partial).toEqual([`${stray}.partial`]);
    expect(r.ok).toBe(1);
    expect(archiveIsWhole(r)).toBe(false);
    await expect(run('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: month() })).rejects.toMatchObject({
      code: 1,
    });
  });

  it('reconcile: the sale without a recording and the recording without a call', async () => {
    const r = await reconcileArchive(t.db, root);
    expect(r.salesWithoutRecording.map((s) => [s.callId, s.campaign, s.code])).toEqual([
      ['arc-4', 'winter', 'SALE'],
    ]);
    expect(r.answeredWithoutRecording).toBe(1);
    expect(r.filesWithoutCall).toEqual([join(month(), 'marketing', 'winter', 'no-such-call.wav')]);
  });

  it('verify names a file that verifies but its month manifest no longer lists', async () => {
    const p3 = join(month(), 'marketing', 'winter', 'arc-3.wav');
    const manifest = join(month(), 'SHA256SUMS');
    const lines = (await readFile(manifest, 'utf8')).split('\n').filter((l) => !l.endsWith('/arc-3.wav'));
    await writeFile(manifest, lines.join('\n'));
    const r = await verifyArchive(t.db, root);
    expect(r.notInManifest).toEqual([p3]);
    expect(r.ok).toBe(1); // it still hashes right: listed as UNLISTED, not as altered
  });
});
