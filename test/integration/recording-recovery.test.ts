import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labNumber } from '../../src/lab/number-plan.js';
import { createLogger } from '../../src/logger.js';
import { FakePbxDriver } from '../../src/pbx/fake/index.js';
import { RecordingArchiver, sha256File } from '../../src/recordings/archiver.js';
import { MAX_RECOVER_ATTEMPTS, recoverBackoffSec, recoverRecordings } from '../../src/recordings/recovery.js';
import { createTestDb, type TestDb } from '../support/db.js';

const logger = createLogger({ level: 'silent', name: 'recovery-test' });

interface RecordingRow {
  status: string;
  path: string;
  sha256: string;
  spool_deleted_at: Date | null;
  recover_attempts: number;
  recover_after: Date;
  failure: string;
}

describe('recording recovery (real Postgres, fake PBX spool)', () => {
  let t: TestDb;
  let pbx: FakePbxDriver;
  let root = '';
  let campaignId = 0;
  let leadId = 0;
  const now = () => new Date();

  /** A call row as a dead dialer leaves it: ended (by the orphan finisher) 30 s ago. */
  async function endedCall(id: string, attempt: number): Promise<void> {
    await t.db('calls').insert({
      id,
      campaign_id: campaignId,
      lead_id: leadId,
      attempt,
      phone_e164: '+15555550000',
      answered_at: new Date(Date.now() - 60_000),
      ended_at: new Date(Date.now() - 30_000),
      outcome: 'answered',
    });
  }

  beforeAll(async () => {
    t = await createTestDb();
    root = await mkdtemp(join(tmpdir(), 'dialer-recovery-'));
    pbx = new FakePbxDriver();
    await pbx.connect();
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'rec', name: 'Rec', purpose: 'care' })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
    const [l] = await t
      .db('leads')
      .insert({ campaign_id: campaignId, phone_e164: '+15555550000', timezone: 'UTC' })
      .returning<{ id: number }[]>('id');
    leadId = l?.id ?? 0;
  });

  afterAll(async () => {
    await pbx.close();
    await t.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('archives a recording its dead process never archived, once, and verifies it', async () => {
    // A real (fake-PBX) recording that finished in the spool while nobody listened.
    const ended = new Promise<void>((resolve) =>
      pbx.onEvent((e) => e.type === 'recording-finished' && e.name === 'rec-lost' && resolve()),
    );
    await pbx.originate({ callId: 'lost', endpoint: `lab/${labNumber(9, 1)}`, timeoutSec: 15 });
    await new Promise<void>((resolve) => pbx.onEvent((e) => e.type === 'answered' && resolve()));
    await pbx.startRecording({ name: 'rec-lost', target: { callId: 'lost' } });
    await ended;
    await endedCall('lost', 1);
    await t.db('recordings').insert({ call_id: 'lost', pbx_name: 'rec-lost', status: 'recording' });

    const archiver = new RecordingArchiver(root, logger);
    const campaign = { id: campaignId, code: 'rec', purpose: 'care' };
    const first = await recoverRecordings(t.db, pbx, archiver, logger, campaign, new Set(), now());
    expect(first).toEqual({ archived: 1, retryLater: 0, givenUp: 0 });
    const row = await t.db('recordings').where({ pbx_name: 'rec-lost' }).first<RecordingRow>();
    expect(row.status).toBe('archived');
    expect(row.spool_deleted_at).not.toBeNull();
    expect(await sha256File(row.path)).toBe(row.sha256);
    expect(row.path).toContain(join(root, ''));
    // Nothing left to do the second time.
    const again = await recoverRecordings(t.db, pbx, archiver, logger, campaign, new Set(), now());
    expect(again).toEqual({ archived: 0, retryLater: 0, givenUp: 0 });
  });

  it('leaves calls still in flight here alone, and retries a missing file with back-off, then gives up', async () => {
    await endedCall('gone', 2);
    await t.db('recordings').insert({ call_id: 'gone', pbx_name: 'rec-gone', status: 'finished' });
    const archiver = new RecordingArchiver(root, logger);
    const campaign = { id: campaignId, code: 'rec', purpose: 'care' };
    const skipped = await recoverRecordings(t.db, pbx, archiver, logger, campaign, new Set(['gone']), now());
    expect(skipped).toEqual({ archived: 0, retryLater: 0, givenUp: 0 });

    const r1 = await recoverRecordings(t.db, pbx, archiver, logger, campaign, new Set(), now());
    expect(r1).toEqual({ archived: 0, retryLater: 1, givenUp: 0 });
    let row = await t.db('recordings').where({ pbx_name: 'rec-gone' }).first<RecordingRow>();
    expect([row.status, row.recover_attempts]).toEqual(['failed', 1]);
    expect(row.recover_after.getTime()).toBeGreaterThan(Date.now() + 50_000);
    // Not before its back-off has passed.
    expect(await recoverRecordings(t.db, pbx, archiver, logger, campaign, new Set(), now())).toEqual({
      archived: 0,
      retryLater: 0,
      givenUp: 0,
    });
    // Later tries, each after its back-off, until it is given up for good.
    let at = now();
    for (let i = 2; i <= MAX_RECOVER_ATTEMPTS; i++) {
      at = new Date(at.getTime() + recoverBackoffSec(i - 1) * 1000 + 1);
      await recoverRecordings(t.db, pbx, archiver, logger, campaign, new Set(), at);
    }
    row = await t.db('recordings').where({ pbx_name: 'rec-gone' }).first<RecordingRow>();
    expect(row.recover_attempts).toBe(MAX_RECOVER_ATTEMPTS);
    expect(row.failure).toMatch(/^gave up after 6:/);
    const later = new Date(at.getTime() + 86_400_000);
    expect(await recoverRecordings(t.db, pbx, archiver, logger, campaign, new Set(), later)).toEqual({
      archived: 0,
      retryLater: 0,
      givenUp: 0,
    });
  });
});

describe('recoverBackoffSec', () => {
  it.each([
    [1, 60],
    [2, 120],
    [3, 240],
    [6, 1920],
    [7, 3600],
    [20, 3600],
  ])('after %i failed tries waits %i s', (tries, sec) => {
    expect(recoverBackoffSec(tries)).toBe(sec);
  });
});
