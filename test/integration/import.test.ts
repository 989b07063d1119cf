import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLeads } from '../../src/import/import-leads.js';
import { createCampaign } from '../../src/store/repositories/campaigns.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { readRejects } from '../support/rejects.js';

let t: TestDb;
let dir: string;
let campaignId: number;

beforeAll(async () => {
  t = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'dialer-import-'));
  campaignId = (await createCampaign(t.db, { code: 'imp', name: 'Import test', purpose: 'survey' })).id;
});
afterAll(async () => {
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('importLeads with bad rows', () => {
  it('keeps the good rows, merges duplicates and reports each bad row with its line', async () => {
    // An earlier list already holds 312-555-0100.
    const earlier = join(dir, 'earlier.csv');
    await writeFile(earlier, 'phone,segment\n312-555-0100,old\n');
    await importLeads({ db: t.db, file: earlier, campaignId });

    const file = join(dir, 'bad.csv');
    await writeFile(
      file,
      Buffer.concat([
        utf8('phone,name,timezone,segment\n'), // line 1
        utf8('(212) 555-1234,Alice,,gold\n'), // 2 ok
        utf8('not-a-number,Bob,,silver\n'), // 3 bad number
        utf8('415-555-2671,José,,gold\n'), // 4 ok, UTF-8 name
        utf8('\n'), // 5 blank line: skipped
        utf8('212 555 1234,Alice again,,platinum\n'), // 6 duplicate of line 2 → merged
        utf8('+44 20 7946 0000,Zoë,Europe/London,x\n'), // 7 ok, explicit zone
        Buffer.concat([utf8('646-555-0199,'), latin1('René'), utf8(',,y\n')]), // 8 Latin-1 bytes in name
        utf8('+8613800138000,王芳,,vip,EXTRA\n'), // 9 an extra field
        utf8('312.555.0100,Carol,,new\n'), // 10 the campaign already has it → merged
        utf8('2125559876,Dan,Mars/Base,z\n'), // 11 unknown zone
        utf8(',Nobody,,z\n'), // 12 no number
      ]),
    );
    const s = await importLeads({ db: t.db, file, campaignId, defaultRegion: 'US' });
    expect(s).toMatchObject({
      rowsRead: 10,
      imported: 3,
      mergedInFile: 1,
      mergedExisting: 1,
      rejected: 5,
      rejectedByReason: { 'bad-number': 2, 'invalid-utf8': 1, 'column-count': 1, 'bad-timezone': 1 },
      rejectsFile: `${file}.rejects.csv`,
    });
    const rejects = await readRejects(`${file}.rejects.csv`);
    expect(rejects.header).toEqual(['row', 'field', 'code', 'message', 'raw']);
    expect(rejects.mode).toBe(0o600);
    expect(rejects.rows.map((r) => `${r.row},${r.field},${r.code}`)).toEqual([
      '3,phone,bad-number',
      '8,name,invalid-utf8',
      '9,(row),column-count',
      '11,timezone,bad-timezone',
      '12,phone,bad-number',
    ]);
    expect(rejects.rows[1]?.message).toContain('invalid UTF-8');
    expect(rejects.rows[2]?.message).toBe('the row has 5 fields; the header has 4');
    expect(rejects.rows[0]?.message).toBe('phone number "not-a-number": contains letters');

    const leads = await t
      .db('leads')
      .where({ campaign_id: campaignId })
      .orderBy('phone_e164')
      .select<Record<string, unknown>[]>('phone_e164', 'timezone', 'timezone_source', 'name', 'attributes');
    expect(leads).toEqual([
      {
        phone_e164: '+12125551234',
        timezone: 'America/New_York',
        timezone_source: 'area-code',
        name: 'Alice',
        attributes: { segment: 'gold' },
      },
      // The earlier lead keeps its value and history; the new list only adds what it lacked.
      {
        phone_e164: '+13125550100',
        timezone: 'America/Chicago',
        timezone_source: 'area-code',
        name: null,
        attributes: { segment: 'old' },
      },
      {
        phone_e164: '+14155552671',
        timezone: 'America/Los_Angeles',
        timezone_source: 'area-code',
        name: 'José',
        attributes: { segment: 'gold' },
      },
      {
        phone_e164: '+442079460000',
        timezone: 'Europe/London',
        timezone_source: 'explicit',
        name: 'Zoë',
        attributes: { segment: 'x' },
      },
    ]);
    const list = (await t.db('lists').where({ source_file: file }).first()) as Record<string, unknown>;
    expect(list).toMatchObject({
      status: 'imported',
      rows_read: 10,
      rows_imported: 3,
      rows_merged: 2,
      rows_rejected: 5,
    });
  });

  it('fails the whole file before inserting when the phone column is missing', async () => {
    const file = join(dir, 'nophone.csv');
    await writeFile(file, 'name,email\nAlice,a@example.com\n');
    const before = await t.db('lists').count({ n: '*' }).first();
    await expect(importLeads({ db: t.db, file, campaignId })).rejects.toThrow(
      /missing required column "phone".*the header has: name, email/,
    );
    expect(await t.db('lists').count({ n: '*' }).first()).toEqual(before);
  });

  it('refuses a file that is not UTF-8 at all, saying so', async () => {
    const file = join(dir, 'latin1.csv');
    await writeFile(file, latin1('phone,name\n2125550101,René\n2125550102,Zoë\n2125550103,François\n'));
    await expect(importLeads({ db: t.db, file, campaignId })).rejects.toThrow(
      /is not UTF-8.*Nothing was imported/,
    );
    expect(await t.db('leads').where({ phone_e164: '+12125550101' }).first()).toBeUndefined();
  });

  it('a dry run counts everything and writes nothing', async () => {
    const file = join(dir, 'dry.csv');
    await writeFile(file, 'phone\n2125550111\n2125550112\nxx\n');
    const s = await importLeads({ db: t.db, file, campaignId, dryRun: true });
    expect(s).toMatchObject({ dryRun: true, listId: null, rowsRead: 3, imported: 2, rejected: 1 });
    expect(await t.db('leads').where({ phone_e164: '+12125550111' }).first()).toBeUndefined();
  });
});
