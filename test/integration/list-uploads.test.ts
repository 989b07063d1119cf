import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListUploads, type UploadStatus } from '../../src/import/list-uploads.js';
import { createTestDb, type TestDb } from '../support/db.js';

const CSV = [
  'phone,name',
  '312-555-0101,Ann',
  '212-555-1234,Bob',
  'not-a-number,Bad Row',
  '415-555-2671,Cy',
].join('\n');

async function finished(uploads: ListUploads, id: string): Promise<UploadStatus> {
  for (let i = 0; i < 200; i++) {
    const s = uploads.get(id);
    if (s && s.phase !== 'importing') return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('upload did not finish');
}

/** Lists uploaded through the API (the console's upload), on real Postgres. */
describe('list uploads', () => {
  let t: TestDb;
  let campaignId = 0;
  const seen: UploadStatus[] = [];
  const audited: UploadStatus[] = [];
  let uploads: ListUploads;

  beforeAll(async () => {
    t = await createTestDb();
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'upl', name: 'Uploads', purpose: 'care' })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
    uploads = new ListUploads({
      db: t.db,
      defaultRegion: 'US',
      defaultTimezone: 'UTC',
      onStatus: (s) => seen.push(s),
      audit: (s) => Promise.resolve(void audited.push(s)),
      maxBytes: 10_000,
    });
  });
  afterAll(async () => {
    await uploads?.close();
    await t?.drop();
  });

  it('imports the good rows, reports the bad one with its line and column, and keeps its rejects file', async () => {
    const s0 = await uploads.start({
      campaignId,
      fileName: 'spring list.csv',
      body: Readable.from([Buffer.from(CSV)]),
      actor: 'user:alice',
    });
    const s = await finished(uploads, s0.id);
    expect(s.phase).toBe('done');
    expect(s.summary).toMatchObject({ imported: 3, rejected: 1 });
    expect(s.rejects).toHaveLength(1);
    expect(s.rejects[0]).toMatchObject({ row: 4, field: 'phone' });
    expect(s.bytesRead).toBe(s.totalBytes);
    expect(
      await t.db('leads').where({ campaign_id: campaignId }).count<{ count: number }[]>('* as count'),
    ).toEqual([{ count: 3 }]);
    expect(seen.at(-1)?.phase).toBe('done');
    expect(audited.map((a) => a.actor)).toEqual(['user:alice']);
    expect(uploads.rejectsFile(s.id)).toMatch(/\.rejects\.csv$/);
  });

  it('refuses a file over the size cap and imports nothing', async () => {
    const before = await t.db('leads').count<{ count: string }[]>('* as count');
    await expect(
      uploads.start({
        campaignId,
        fileName: 'big.csv',
        body: Readable.from([Buffer.alloc(20_000, 'a')]),
        actor: 'user:alice',
      }),
    ).rejects.toThrow(/larger than 10000 bytes/);
    expect(await t.db('leads').count<{ count: string }[]>('* as count')).toEqual(before);
  });

  it('a file-level error (no campaign) ends as failed with the message', async () => {
    const s0 = await uploads.start({
      campaignId: 999_999,
      fileName: 'x.csv',
      body: Readable.from([Buffer.from(CSV)]),
      actor: 'user:bob',
    });
    const s = await finished(uploads, s0.id);
    expect(s.phase).toBe('failed');
    expect(s.error).toContain('no campaign with id 999999');
  });
});
