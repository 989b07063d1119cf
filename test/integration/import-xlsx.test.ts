import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
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
  dir = await mkdtemp(join(tmpdir(), 'dialer-xlsx-'));
  campaignId = (await createCampaign(t.db, { code: 'xlsx', name: 'XLSX import', purpose: 'survey' })).id;
});
afterAll(async () => {
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A workbook as a department would send it: the list on sheet 1, notes on sheet 2. */
async function workbook(file: string, rows: unknown[][], sharedStrings = true): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: sharedStrings });
  const sheet = wb.addWorksheet('Leads');
  for (const r of rows) sheet.addRow(r).commit();
  sheet.commit();
  const notes = wb.addWorksheet('Notes');
  notes.addRow(['phone', 'comment']).commit();
  notes.addRow(['+15555550000', 'this sheet is not the list']).commit();
  notes.commit();
  await wb.commit();
}

describe('importLeads from an .xlsx workbook', () => {
  it('reads the first sheet, keeps good rows, reports bad ones with their row number', async () => {
    const file = join(dir, 'leads.xlsx');
    await workbook(file, [
      ['Phone', 'Name', 'Timezone', 'Segment', 'Since'], // row 1
      ['(212) 555-1234', 'Alice', null, 'gold', new Date('2024-01-02T00:00:00Z')], // 2 ok
      [4155552671, { richText: [{ text: 'Jo' }, { text: 'sé' }] }, null, 'gold'], // 3 ok: number + rich text
      ['not a number', 'Bob', null, 'silver'], // 4 bad number
      [], // 5 empty row: skipped
      ['212 555 1234', 'Alice again', null, 'platinum'], // 6 duplicate of row 2
      ['+44 20 7946 0000', 'Zoë', 'Europe/London', 'x'], // 7 ok, explicit zone
      ['2125559876', 'Dan', 'Mars/Base', 'z'], // 8 unknown zone
      ['646-555-0199', 'Eve', null, 'y', null, 'EXTRA'], // 9 more cells than the header
      [{ formula: '"+1"&"3125550100"', result: '+13125550100' }, 'Formula'], // 10 ok, formula result
    ]);
    const s = await importLeads({ db: t.db, file, campaignId, defaultRegion: 'US' });
    expect(s).toMatchObject({
      rowsRead: 8,
      imported: 4,
      mergedInFile: 1,
      rejected: 3,
      rejectedByReason: { 'bad-number': 1, 'bad-timezone': 1, 'column-count': 1 },
    });
    const rejects = await readRejects(`${file}.rejects.csv`);
    expect(rejects.rows.map((r) => `${r.row},${r.field},${r.code}`)).toEqual([
      '4,Phone,bad-number',
      '8,Timezone,bad-timezone',
      '9,(row),column-count',
    ]);
    const leads = await t
      .db('leads')
      .where({ campaign_id: campaignId })
      .orderBy('id')
      .select<{ phone_e164: string; name: string; timezone: string; attributes: Record<string, string> }[]>(
        'phone_e164',
        'name',
        'timezone',
        'attributes',
      );
    expect(leads.map((l) => [l.phone_e164, l.name])).toEqual([
      ['+12125551234', 'Alice'],
      ['+14155552671', 'José'],
      ['+442079460000', 'Zoë'],
      ['+13125550100', 'Formula'],
    ]);
    expect(leads[0]?.attributes).toEqual({ Segment: 'gold', Since: '2024-01-02T00:00:00.000Z' });
    expect(leads[2]?.timezone).toBe('Europe/London');
    // Nothing from the second sheet.
    expect(leads.some((l) => l.phone_e164 === '+15555550000')).toBe(false);
  });

  it('fails the file, importing nothing, when the first sheet has no phone column', async () => {
    const file = join(dir, 'nophone.xlsx');
    await workbook(
      file,
      [
        ['Name', 'Segment'],
        ['Alice', 'gold'],
      ],
      false,
    );
    const before = await t.db('leads').count<{ n: number }[]>({ n: '*' });
    await expect(importLeads({ db: t.db, file, campaignId })).rejects.toThrow(
      /missing required column "phone"/,
    );
    expect(await t.db('leads').count<{ n: number }[]>({ n: '*' })).toEqual(before);
  });

  it('refuses an old binary .xls with what to do instead, and a corrupt .xlsx', async () => {
    const xls = join(dir, 'old.xls');
    await writeFile(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    await expect(importLeads({ db: t.db, file: xls, campaignId })).rejects.toThrow(
      /Save it as \.xlsx or CSV/,
    );
    const broken = join(dir, 'broken.xlsx');
    await writeFile(broken, 'phone\n+12125551234\n');
    await expect(importLeads({ db: t.db, file: broken, campaignId })).rejects.toThrow();
    expect(await t.db('lists').where({ name: 'broken.xlsx' }).count<{ n: number }[]>({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });
});
