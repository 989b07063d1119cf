import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { surveySchema } from '../../src/domain/campaign/survey.js';
import { diagnoseCampaign } from '../../src/diagnosis/campaign-diagnosis.js';
import type { EngineRegistry } from '../../src/engine/registry.js';
import { apiKeyLookup, hashKey } from '../../src/http/auth.js';
import { buildServer } from '../../src/http/server.js';
import { importLeads } from '../../src/import/import-leads.js';
import { labNumber } from '../../src/lab/number-plan.js';
import { AriDriver } from '../../src/pbx/asterisk/ari/ari-driver.js';
import { addDnc, addToBlacklist } from '../../src/store/repositories/dnc.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { carrierLogOffset, dialogsAtCarrier, labSettings } from '../support/lab.js';
import { requireDialplanContexts } from '../support/lab-dialplan.js';

const ZONES = [
  'Pacific/Honolulu',
  'America/Los_Angeles',
  'America/New_York',
  'Europe/London',
  'Asia/Kolkata',
];
const MORE = ['Asia/Tokyo', 'Australia/Sydney', 'Pacific/Auckland', 'America/Chicago', 'Europe/Berlin'];
const zoneWhere = (ok: (hour: number) => boolean): string => {
  const z = [...ZONES, ...MORE].find((zone) => ok(DateTime.now().setZone(zone).hour));
  if (!z) throw new Error('no time zone fits');
  return z;
};

/** The next 08:00 in `zone` (the window is 08:00–21:00 every day), from a time before it. */
function nextEight(zone: string, now: Date): Date {
  const local = DateTime.fromJSDate(now, { zone });
  const today = local.set({ hour: 8, minute: 0, second: 0, millisecond: 0 });
  return (today > local ? today : today.plus({ days: 1 })).toJSDate();
}

/**
 * Issue #19's acceptance, through the engine on the lab: a list mixing allowed numbers (one twice
 * in the file, one on the marketing DNC list, which does not stop a survey), out-of-window,
 * typed-DNC, blacklisted and frequency-capped ones. On the SIPp carrier's side: no INVITE to a
 * forbidden number, exactly one dialog to each allowed one. Every forbidden number has its stored
 * refusal with the right reason and next eligible time; the doctor's counts per rule equal those
 * rows before and after the run; the API returns a lead's refusals.
 */
describe('a mixed list on the lab: refusals stored, SIPp sees only the allowed numbers', () => {
  let t: TestDb;
  let app: App;
  let registry: EngineRegistry;
  let server: ReturnType<typeof buildServer>;
  let dir: string;
  let campaignId = 0;
  let logOffset = 0;
  let startedAt = new Date();
  const key = 'k-sup-refusals';
  const dayZone = zoneWhere((h) => h >= 10 && h < 19);
  const nightZone = zoneWhere((h) => h >= 1 && h < 6);
  const allowed = [0, 1, 2, 3].map((i) => labNumber(9, 3, i, 218));
  const forbidden = {
    'outside-window': [labNumber(9, 3, 0, 219), labNumber(9, 3, 1, 219)],
    'dnc:survey': [labNumber(9, 3, 2, 219), labNumber(9, 3, 3, 219)],
    'dnc:all': [labNumber(9, 3, 4, 219)],
    blacklist: [labNumber(9, 3, 5, 219), labNumber(9, 3, 6, 219)],
    'frequency-cap': [labNumber(9, 3, 7, 219), labNumber(9, 3, 8, 219)],
  };
  const lastContact = new Date(Date.now() - 2 * 86_400_000);

  beforeAll(async () => {
    await requireDialplanContexts(['dialer-amd-beep']);
    t = await createTestDb();
    dir = mkdtempSync(join(tmpdir(), 'dialer-refusals-'));
    const lab = labSettings();
    const made = engineTestApp(t, 'refusals', {
      driver: (logger) => new AriDriver({ ...lab.ari, app: `refusals-${process.pid}` }, logger),
    });
    app = made.app;
    await made.pbx();
    const [c] = await t
      .db('campaigns')
      .insert({
        id: 100_000 + Math.floor(Math.random() * 1e8),
        code: 'mixed',
        name: 'Mixed list e2e',
        status: 'active',
        purpose: 'survey',
        dial_mode: 'agentless',
        trunk: 'lab-carrier',
        max_attempts: 1,
        settings: {
          engine: { ringTimeoutSec: 15 },
          window: { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6, 7], zone: 'callee' },
          survey: surveySchema.parse({ intro: 'sound:beep' }),
        },
      })
      .returning<{ id: number }[]>('id');
    campaignId = c?.id ?? 0;
    // The list as a customer sends it: one allowed number twice (merged into one lead).
    const csv = join(dir, 'mixed.csv');
    const row = (phone: string, zone: string) => `${phone},${zone}`;
    const rows = [
      ...allowed.map((p) => row(p, dayZone)),
      row(allowed[0] ?? '', dayZone),
      ...forbidden['outside-window'].map((p) => row(p, nightZone)),
      ...[...forbidden['dnc:survey'], ...forbidden['dnc:all'], ...forbidden.blacklist].map((p) =>
        row(p, dayZone),
      ),
      ...forbidden['frequency-cap'].map((p) => row(p, dayZone)),
    ];
    writeFileSync(csv, ['phone,timezone', ...rows].join('\n') + '\n');
    const summary = await importLeads({ db: t.db, file: csv, campaignId });
    expect(summary).toMatchObject({ imported: 13, mergedInFile: 1, rejected: 0 });
    for (const phone of forbidden['dnc:survey'])
      await addDnc(t.db, { phone, type: 'survey', source: 'e2e', actor: 'e2e' });
    await addDnc(t.db, { phone: forbidden['dnc:all'][0] ?? '', type: 'all', source: 'e2e', actor: 'e2e' });
    // A marketing DNC entry does not stop a survey: this number is called.
    await addDnc(t.db, { phone: allowed[1] ?? '', type: 'marketing', source: 'e2e', actor: 'e2e' });
    for (const phone of forbidden.blacklist)
      await addToBlacklist(t.db, { phone, reason: 'complaint', actor: 'e2e' });
    // Another survey campaign reached the capped numbers two days ago.
    const [other] = await t
      .db('campaigns')
      .insert({
        code: 'other-survey',
        name: 'Earlier survey',
        status: 'draft',
        purpose: 'survey',
        dial_mode: 'agentless',
      })
      .returning<{ id: number }[]>('id');
    await t.db('leads').insert(
      forbidden['frequency-cap'].map((phone) => ({
        campaign_id: other?.id,
        phone_e164: phone,
        timezone: dayZone,
        status: 'done',
        last_contact_at: lastContact,
      })),
    );
    server = buildServer({
      logger: app.logger,
      registry: app.engines(),
      authenticate: apiKeyLookup([{ name: 's', role: 'supervisor', sha256: hashKey(key) }]),
      ready: () => Promise.resolve([]),
      refusals: app.refusals,
    });
  });

  afterAll(async () => {
    await registry?.stopAll(5_000);
    await server?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
    await t?.drop();
  });

  const storedCounts = async () => {
    const rows = await t
      .db('gate_refusals')
      .where({ campaign_id: campaignId })
      .groupBy('reason')
      .select<{ reason: string; n: number }[]>('reason', t.db.raw('count(*)::int as n'));
    return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
  };
  const expectedCounts = Object.fromEntries(Object.entries(forbidden).map(([rule, p]) => [rule, p.length]));
  const all = Object.values(forbidden).flat();
  let finishedAt = new Date();

  /** Until no lead is new or being dialled and no call is open (a hang guard of 120 s). */
  async function settled(): Promise<void> {
    const until = Date.now() + 120_000;
    for (;;) {
      const open = await t
        .db('leads')
        .where({ campaign_id: campaignId })
        .whereIn('status', ['new', 'dialling'])
        .count<{ n: number }[]>({ n: '*' });
      const openCalls = await t
        .db('calls')
        .where({ campaign_id: campaignId })
        .whereNull('ended_at')
        .count<{ n: number }[]>({ n: '*' });
      if (Number(open[0]?.n) + Number(openCalls[0]?.n) === 0) return;
      if (Date.now() > until) throw new Error('the campaign did not settle every lead in time');
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('dials each allowed number once and no forbidden one (SIPp’s own log)', async () => {
    const before = await diagnoseCampaign(t.db, campaignId, new Date());
    expect(before.ineligible).toEqual(expectedCounts);
    expect(before.eligibleNow).toBe(allowed.length);
    logOffset = carrierLogOffset(labSettings());
    startedAt = new Date();
    registry = app.engines();
    await registry.start(campaignId);

    await settled();
    await registry.stopAll(5_000);
    finishedAt = new Date();

    // The far end's own record.
    const dialogs = dialogsAtCarrier(labSettings(), logOffset);
    for (const phone of allowed) expect(dialogs.get(phone)?.size ?? 0, phone).toBe(1);
    expect(all.filter((p) => dialogs.has(p))).toEqual([]);
    const calls = await t
      .db('calls')
      .where({ campaign_id: campaignId })
      .select<{ phone_e164: string; outcome: string | null }[]>('phone_e164', 'outcome');
    expect(calls.map((k) => k.phone_e164).sort()).toEqual([...allowed].sort());
    expect(calls.every((k) => k.outcome !== null)).toBe(true);
  }, 180_000);

  it('every forbidden number has its stored refusal, with the right reason and next eligible time', async () => {
    const rows = await t
      .db('gate_refusals as g')
      .join('leads as l', 'l.id', 'g.lead_id')
      .where('g.campaign_id', campaignId)
      .select<
        {
          phone_e164: string;
          reason: string;
          next_eligible_at: Date | null;
          decided_at: Date;
          facts: Record<string, unknown>;
        }[]
      >('l.phone_e164', 'g.reason', 'g.next_eligible_at', 'g.decided_at', 'g.facts');
    expect(rows).toHaveLength(all.length);
    for (const [reason, phones] of Object.entries(forbidden)) {
      for (const phone of phones) {
        const r = rows.find((x) => x.phone_e164 === phone);
        expect(r?.reason, phone).toBe(reason);
        expect(r!.decided_at >= startedAt && r!.decided_at <= finishedAt).toBe(true);
        const next =
          reason === 'outside-window'
            ? nextEight(nightZone, r!.decided_at)
            : reason === 'frequency-cap'
              ? new Date(lastContact.getTime() + 30 * 86_400_000)
              : null;
        expect(r?.next_eligible_at ?? null, `${reason} ${phone}`).toEqual(next);
      }
    }
    expect(rows.find((r) => r.reason === 'outside-window')?.facts).toMatchObject({ windowZone: nightZone });
    expect(rows.find((r) => r.reason === 'dnc:survey')?.facts).toMatchObject({ dncTypes: ['survey'] });
  });

  it('the doctor’s counts per rule equal the stored rows after the run, as before it', async () => {
    const stored = await storedCounts();
    expect(stored).toEqual(expectedCounts);
    const after = await diagnoseCampaign(t.db, campaignId, new Date());
    const { completed, ...held } = after.ineligible;
    expect(held).toEqual(stored);
    expect(completed).toBe(allowed.length);
    expect(after.windowOpens).toEqual([
      { timezone: nightZone, leads: 2, opensAt: nextEight(nightZone, finishedAt) },
    ]);
    console.log(
      `mixed list: ${allowed.length} allowed dialled once each, ${all.length} forbidden never INVITEd; ` +
        `refusals stored ${JSON.stringify(stored)}; window opens ${after.windowOpensAt?.toISOString()} (${nightZone})`,
    );
  });

  it('the API returns a lead’s refusals (and none for a lead that was called)', async () => {
    const leadOf = async (phone: string) =>
      (await t.db('leads').where({ campaign_id: campaignId, phone_e164: phone }).first<{ id: number }>('id'))
        .id;
    const capped = forbidden['frequency-cap'][0] ?? '';
    const res = await server.inject({
      url: `/api/leads/${await leadOf(capped)}/refusals`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      phone: capped,
      campaignCode: 'mixed',
      calls: 0,
      refusals: [
        {
          reason: 'frequency-cap',
          nextEligibleAt: new Date(lastContact.getTime() + 30 * 86_400_000).toISOString(),
          facts: { frequencyCapDays: 30, purpose: 'survey' },
        },
      ],
    });
    const called = await server.inject({
      url: `/api/leads/${await leadOf(allowed[0] ?? '')}/refusals`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(called.json()).toMatchObject({ calls: 1, refusals: [] });
  });
});
