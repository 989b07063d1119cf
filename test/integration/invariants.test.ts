import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/recordings/archiver.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { checkInvariants, InvariantError } from '../support/invariants.js';

/** A SIPp message log block as the carrier writes it (only what the checker reads). */
const invite = (phone: string, callId: string): string =>
  `----------------------------------------------- 2026-12-02 17:00:00.000000\n` +
  `UDP message received [300] bytes :\n\nINVITE sip:${phone}@127.0.0.1:5062 SIP/2.0\nCall-ID: ${callId}\n\n`;

/**
 * The fault suite's invariant checker on stored facts made by hand (Postgres only, no lab):
 * each invariant broken on purpose is reported by name with its ids, and a clean run passes.
 */
describe('the fault suite invariant checker', () => {
  let t: TestDb;
  const dir = mkdtempSync(join(tmpdir(), 'dialer-inv-'));
  const log = join(dir, 'carrier.messages.log');
  let campaignId = 0;

  beforeAll(async () => {
    t = await createTestDb();
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'inv', name: 'Invariants', purpose: 'care', status: 'active', trunk: 'lab-carrier' })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.drop();
  });

  async function lead(phone: string, status = 'done'): Promise<number> {
    const [l] = await t
      .db('leads')
      .insert({ campaign_id: campaignId, phone_e164: phone, timezone: 'UTC', status })
      .returning<{ id: number }[]>('id');
    return l?.id ?? 0;
  }

  async function call(
    id: string,
    leadId: number,
    phone: string,
    answered: boolean,
    ended = true,
  ): Promise<void> {
    const at = new Date();
    await t.db('calls').insert({
      id,
      campaign_id: campaignId,
      lead_id: leadId,
      attempt: 1,
      phone_e164: phone,
      originated_at: at,
      answered_at: answered ? at : null,
      ended_at: ended ? at : null,
      outcome: ended ? (answered ? 'answered' : 'busy') : null,
    });
  }

  it('passes a clean run and names every broken invariant with its ids', async () => {
    const wav = join(dir, 'ok.wav');
    writeFileSync(wav, 'RIFF-fake-audio');
    const good = await lead('+15550000001');
    await call('c-good', good, '+15550000001', true);
    await t.db('recordings').insert({
      call_id: 'c-good',
      pbx_name: 'rec-c-good',
      status: 'archived',
      path: wav,
      sha256: await sha256File(wav),
    });
    const [d] = await t
      .db('dispositions')
      .insert({ call_id: 'c-good', code: 'sale' })
      .returning<{ id: number }[]>('id');
    writeFileSync(log, invite('+15550000001', 'dlg-1'));
    const scope = { db: t.db, campaignId, lab: { carrierMessages: log }, carrierOffset: 0, settleMs: 1_000 };
    const summary = await checkInvariants({
      ...scope,
      dispositions: [{ id: d?.id ?? 0, callId: 'c-good', code: 'sale' }],
    });
    expect(summary).toMatchObject({ calls: 1, answered: 1, recordingsVerified: 1, carrierDialogs: 1 });

    // Now break each one.
    const open = await lead('+15550000002');
    await call('c-open', open, '+15550000002', false, false);
    const silent = await lead('+15550000003');
    await call('c-unrecorded', silent, '+15550000003', true);
    writeFileSync(wav, 'RIFF-changed-after-archiving');
    const stuck = await lead('+15550000004', 'dialling');
    writeFileSync(
      log,
      invite('+15550000001', 'dlg-1') +
        invite('+15550000001', 'dlg-2') +
        invite('+15550000004', 'dlg-3') +
        invite('+15550000002', 'dlg-4'),
    );
    const err = await checkInvariants({
      ...scope,
      dispositions: [{ id: 999_999, callId: 'c-open', code: 'callback' }],
      probe: { phone: '+15550000009' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvariantError);
    const broken = (err as InvariantError).broken;
    const ids = (name: string) => broken.filter((b) => b.invariant === name).flatMap((b) => b.ids);
    expect(ids('diallingAgain')).toHaveLength(1);
    expect(ids('finalCallRow')).toEqual(['c-open', '+15550000004 (Call-ID dlg-3)']);
    expect(ids('verifiedRecording')).toEqual([
      'c-unrecorded (no recording)',
      expect.stringMatching(/^c-good \(.*ok\.wav: [0-9a-f]{64}\)$/),
    ]);
    expect(ids('dialledOnce')).toEqual([
      '+15550000001: 2 dialogs for 1 attempt(s)',
      '+15550000004: 1 dialogs for 0 attempt(s)',
    ]);
    expect(ids('attemptSettled')).toEqual([`lead ${stuck}`]);
    expect(ids('dispositionKept')).toEqual(['c-open (disposition 999999 callback: 0 row(s) stored)']);
    expect((err as Error).message).toMatch(/invariant "dialledOnce" \(no lead attempt was dialled twice/);
  });
});
