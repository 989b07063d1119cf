import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { EngineRegistry } from '../../src/engine/registry.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import { sha256File } from '../../src/recordings/archiver.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { carrierLogOffset, labSettings, numbersInvitedAtCarrier } from '../support/lab.js';
import { peakToneShare, wavPcm } from '../support/tones.js';
import { assignAllAgents } from '../support/accounts.js';

const ZONES = [
  'Pacific/Honolulu',
  'America/Los_Angeles',
  'America/New_York',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
];

/** A time zone whose local hour now is in `hours` — the test runs at any time of day. */
function zoneWhereHourIn(hours: number[]): string {
  const zone = ZONES.find((z) => hours.includes(DateTime.now().setZone(z).hour));
  if (!zone) throw new Error(`no zone with local hour in ${hours.join(',')}`);
  return zone;
}

interface CallRow {
  id: string;
  lead_id: number;
  attempt: number;
  phone_e164: string;
  outcome: string | null;
  answered_at: Date | null;
  bridged_at: Date | null;
  agent_id: number | null;
  abandoned: boolean;
}

/**
 * Progressive mode end to end on the real lab: two agents' softphones parked in their bridges,
 * a list of humans, busy, no-answer, invalid and a DNC number; every attempt accounted for.
 */
describe('engine, progressive, on the lab', () => {
  let t: TestDb;
  let app: App;
  let pbx: AriDriver;
  let registry: EngineRegistry;
  let campaignId = 0;
  const dncNumber = labNumber(9, 3, 9, 299);
  // A human who would answer, but it is night where they live (window 08:00–21:00 callee time).
  const nightNumber = labNumber(9, 3, 8, 299);
  // A human already reached this month by another care campaign: the frequency cap holds.
  const cappedNumber = labNumber(9, 3, 7, 299);
  const dayZone = zoneWhereHourIn([10, 11, 12, 13, 14, 15, 16, 17, 18]);
  const nightZone = zoneWhereHourIn([0, 1, 2, 3, 4, 5]);
  const humans = [labNumber(9, 3, 1, 298), labNumber(0, 4, 2, 298), labNumber(9, 2, 3, 298)];
  const others = [labNumber(1, 0, 4, 298), labNumber(2, 0, 5, 298), labNumber(4, 0, 6, 298)];
  let logOffset = 0;

  beforeAll(async () => {
    t = await createTestDb();
    const lab = labSettings();
    const made = engineTestApp(t, 'progressive', {
      driver: (logger) => new AriDriver({ ...lab.ari, app: `e2e-prog-${process.pid}` }, logger),
    });
    app = made.app;
    pbx = await made.pbx();
    const agents = await t
      .db('agents')
      .insert([
        { username: 'agent1', display_name: 'A1', sip_endpoint: 'PJSIP/agent1' },
        { username: 'agent2', display_name: 'A2', sip_endpoint: 'PJSIP/agent2' },
      ])
      .returning<{ id: number }[]>('id');
    expect(agents).toHaveLength(2);
    const [c] = await t
      .db('campaigns')
      .insert({
        // A random id: call ids derive from it and must not meet channels of earlier runs.
        id: 100_000 + Math.floor(Math.random() * 1e8),
        code: 'prog',
        name: 'Progressive e2e',
        status: 'active',
        purpose: 'care',
        dial_mode: 'progressive',
        trunk: 'lab-carrier',
        max_attempts: 1,
        settings: {
          engine: { ringTimeoutSec: 15, wrapUpSec: 1, amd: false },
          window: { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6, 7], zone: 'callee' },
        },
      })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
    await t.db('leads').insert(
      [...humans, ...others, dncNumber, cappedNumber].map((phone) => ({
        campaign_id: campaignId,
        phone_e164: phone,
        timezone: dayZone,
      })),
    );
    await t.db('leads').insert({ campaign_id: campaignId, phone_e164: nightNumber, timezone: nightZone });
    const [earlier] = await t
      .db('campaigns')
      .insert({
        id: campaignId + 1,
        code: 'earlier-care',
        name: 'Earlier care',
        status: 'completed',
        purpose: 'care',
      })
      .returning<{ id: number }[]>('id');
    await t.db('leads').insert({
      campaign_id: earlier?.id,
      phone_e164: cappedNumber,
      timezone: dayZone,
      status: 'done',
      last_contact_at: new Date(Date.now() - 3 * 86_400_000),
    });
    await t.db('dnc_entries').insert({ phone_e164: dncNumber, type: 'all', source: 'test' });
    logOffset = carrierLogOffset(lab);
    registry = app.engines();
    await registry.start(campaignId);
    await assignAllAgents(t.db, campaignId);
    await registry.login('agent1', campaignId);
    await registry.login('agent2', campaignId);
  });

  afterAll(async () => {
    await registry?.stopAll(5_000);
    await pbx?.close();
    await app?.close();
    await t?.drop();
  });

  it('dials every dialable lead once, bridges the humans, records them; DNC, night-time and capped customers are never dialled', async () => {
    const deadline = Date.now() + 90_000;
    let open = Infinity;
    while (Date.now() < deadline) {
      const row = await t
        .db('leads')
        .where({ campaign_id: campaignId })
        .whereIn('status', ['new', 'scheduled', 'dialling'])
        .andWhere((q) => {
          void q.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', new Date());
        })
        .count<{ n: number }[]>({ n: '*' });
      const unfinished = await t.db('calls').whereNull('ended_at').count<{ n: number }[]>({ n: '*' });
      open = Number(row[0]?.n) + Number(unfinished[0]?.n);
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const stuck = {
      leads: await t
        .db('leads')
        .whereIn('status', ['new', 'scheduled', 'dialling'])
        .select('phone_e164', 'status', 'attempts', 'last_outcome', 'updated_at', 'next_attempt_at'),
      calls: await t
        .db('calls')
        .whereNull('ended_at')
        .select('id', 'phone_e164', 'answered_at', 'bridged_at'),
    };
    expect(open, JSON.stringify(stuck)).toBe(0);
    // Give the archiver a moment for the last recording.
    await new Promise((r) => setTimeout(r, 1_500));

    const calls = await t.db('calls').where({ campaign_id: campaignId }).select<CallRow[]>('*');
    expect(calls.map((c) => c.phone_e164).sort()).toEqual([...humans, ...others].sort());
    expect(new Set(calls.map((c) => `${c.lead_id}:${c.attempt}`)).size).toBe(calls.length);
    for (const c of calls) expect(c.outcome, c.phone_e164).not.toBeNull();
    const byPhone = new Map(calls.map((c) => [c.phone_e164, c]));
    for (const h of humans) {
      const c = byPhone.get(h);
      expect(c?.outcome).toBe('answered');
      expect(c?.bridged_at, `${h} bridged`).not.toBeNull();
      expect(c?.abandoned).toBe(false);
      // Progressive: the agent was reserved before dialling, so the bridge follows the answer at once.
      expect((c?.bridged_at?.getTime() ?? 0) - (c?.answered_at?.getTime() ?? 0)).toBeLessThan(2_000);
    }
    expect(byPhone.get(others[0] ?? '')?.outcome).toBe('busy');
    expect(byPhone.get(others[1] ?? '')?.outcome).toBe('no-answer');
    expect(byPhone.get(others[2] ?? '')?.outcome).toBe('invalid-number');

    const recordings = await t
      .db('recordings as r')
      .join('calls as c', 'c.id', 'r.call_id')
      .where('c.campaign_id', campaignId)
      .select<{ call_id: string; status: string; path: string; sha256: string; bytes: number }[]>(
        'r.call_id',
        'r.status',
        'r.path',
        'r.sha256',
        'r.bytes',
      );
    expect(recordings.map((r) => r.call_id).sort()).toEqual(
      calls
        .filter((c) => c.answered_at)
        .map((c) => c.id)
        .sort(),
    );
    const bridged = new Set(calls.filter((c) => c.bridged_at).map((c) => c.id));
    for (const r of recordings) {
      expect(r.status).toBe('archived');
      expect(existsSync(r.path)).toBe(true);
      expect(await sha256File(r.path)).toBe(r.sha256);
      if (!bridged.has(r.call_id)) continue;
      // Both parties in the archived file: the customer's 440 Hz and the agent's 1 kHz.
      const { rate, samples } = wavPcm(await readFile(r.path));
      expect(peakToneShare(samples, rate, 440), `${r.call_id} customer`).toBeGreaterThan(0.2);
      expect(peakToneShare(samples, rate, 1_000), `${r.call_id} agent`).toBeGreaterThan(0.2);
    }

    const invited = numbersInvitedAtCarrier(labSettings(), logOffset);
    // Checked on the far end's own log, not only in ours.
    expect(invited.has(dncNumber)).toBe(false);
    expect(invited.has(nightNumber)).toBe(false);
    expect(invited.has(cappedNumber)).toBe(false);
    const later = await t
      .db('leads')
      .whereIn('phone_e164', [nightNumber, cappedNumber])
      .where({ campaign_id: campaignId })
      .select<{ phone_e164: string; status: string; next_attempt_at: Date | null; attempts: number }[]>(
        'phone_e164',
        'status',
        'next_attempt_at',
        'attempts',
      );
    for (const l of later) {
      // Refused, its attempt number given back, and scheduled for when the rule allows.
      expect(l.status, l.phone_e164).toBe('scheduled');
      expect(l.attempts).toBe(0);
      expect(l.next_attempt_at?.getTime() ?? 0).toBeGreaterThan(Date.now());
    }
    for (const n of [...humans, ...others]) expect(invited.has(n), n).toBe(true);
    expect(await t.db('leads').where({ phone_e164: dncNumber }).first('status')).toEqual({ status: 'dnc' });
  });

  it('stored every agent state change with a time', async () => {
    const states = await t.db('agent_state_events').where({ campaign_id: campaignId }).pluck('state');
    expect(states).toContain('ready');
    expect(states).toContain('reserved');
    expect(states).toContain('on-call');
    expect(states).toContain('wrap-up');
  });
});
