import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLeads } from '../../src/import/import-leads.js';
import { checkXlsxBomb, DEFAULT_XLSX_LIMITS } from '../../src/import/xlsx-guard.js';
import { createCampaign } from '../../src/store/repositories/campaigns.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { zip } from '../support/zip.js';

let t: TestDb;
let dir: string;
let campaignId: number;

beforeAll(async () => {
  t = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'dialer-xlsx-bomb-'));
  campaignId = (await createCampaign(t.db, { code: 'bomb', name: 'XLSX bombs', purpose: 'survey' })).id;
});
afterAll(async () => {
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const workbookParts = {
  '[Content_Types].xml':
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
  'xl/workbook.xml':
    '<?xml version="1.0"?><workbook><sheets><sheet name="Leads" sheetId="1"/></sheets></workbook>',
};

function sheet(rows: string[][]): string {
  const cells = rows.map(
    (r, i) => `<row r="${i + 1}">${r.map((v) => `<c t="inlineStr"><is><t>${v}</t></is></c>`).join('')}</row>`,
  );
  return `<?xml version="1.0"?><worksheet><sheetData>${cells.join('')}</sheetData></worksheet>`;
}

async function leadCount(): Promise<number> {
  const [row] = await t.db('leads').where({ campaign_id: campaignId }).count<{ n: string }[]>({ n: '*' });
  return Number(row?.n);
}

describe('importLeads refuses .xlsx bombs before the workbook reader unpacks them', () => {
  it('a shared-string table that unpacks to 80 MB from a small file: a clear error, nothing imported, memory bounded', async () => {
    const file = join(dir, 'strings-bomb.xlsx');
    const item = `<si><t>${'A'.repeat(1000)}</t></si>`;
    const strings = `<sst>${item.repeat(80 * 1024)}</sst>`; // 80,000 × 1 KB
    const packed = zip({
      ...workbookParts,
      'xl/sharedStrings.xml': strings,
      'xl/worksheets/sheet1.xml': sheet([['phone'], ['+12125551234']]),
    });
    await writeFile(file, packed);
    expect(packed.length).toBeLessThan(2 * 1024 * 1024); // it weighs under 2 MB on disk
    const rssBefore = process.memoryUsage().rss;
    await expect(importLeads({ db: t.db, file, campaignId })).rejects.toThrow(
      /strings-bomb\.xlsx is not a workbook this importer will open: xl\/sharedStrings\.xml unpacks to more than 64 MB\. Nothing was imported\./,
    );
    // Before the guard, a 1.7 MB bomb drove the process to 717 MB RSS; the guard inflates in
    // chunks and stops at the limit.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expect(await leadCount()).toBe(0);
    expect(await t.db('lists').where({ name: 'strings-bomb.xlsx' }).first()).toBeUndefined();
  });

  it('one giant cell (2 MB of text in a sheet) is refused by name instead of an "Invalid string length" crash', async () => {
    const file = join(dir, 'cell-bomb.xlsx');
    await writeFile(
      file,
      zip({
        ...workbookParts,
        'xl/worksheets/sheet1.xml': sheet([
          ['phone', 'name'],
          ['+12125551234', 'x'.repeat(2 << 20)],
        ]),
      }),
    );
    await expect(importLeads({ db: t.db, file, campaignId })).rejects.toThrow(
      /xl\/worksheets\/sheet1\.xml holds a cell or text over 1 MB/,
    );
    expect(await leadCount()).toBe(0);
  });

  it('names the part and the limit for every other way out: entry count, method, not a zip, damaged directory', async () => {
    const many = join(dir, 'many.xlsx');
    const entries = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`xl/part${i}.xml`, '<x/>']));
    await writeFile(many, zip(entries));
    await expect(checkXlsxBomb(many, { ...DEFAULT_XLSX_LIMITS, maxEntries: 10 })).rejects.toThrow(
      /holds 12 zip entries \(more than 10\)/,
    );
    const notZip = join(dir, 'text.xlsx');
    await writeFile(notZip, 'phone\n+12125551234\n');
    await expect(checkXlsxBomb(notZip)).rejects.toThrow(/it is not a zip file/);
    const cut = join(dir, 'cut.xlsx');
    const whole = zip({ ...workbookParts, 'xl/worksheets/sheet1.xml': sheet([['phone']]) });
    // Keep the end record but drop the bytes the directory points at.
    await writeFile(cut, Buffer.concat([whole.subarray(0, 40), whole.subarray(whole.length - 22)]));
    await expect(checkXlsxBomb(cut)).rejects.toThrow(/damaged/);
    const stored = join(dir, 'method.xlsx');
    const odd = zip({ 'xl/a.xml': '<a/>' });
    odd.writeUInt16LE(12, odd.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10); // bzip2
    await writeFile(stored, odd);
    await expect(checkXlsxBomb(stored)).rejects.toThrow(/xl\/a\.xml uses zip method 12/);
  });

  it('a workbook within the limits passes the guard (sheet text runs under the cell limit)', async () => {
    const file = join(dir, 'fine.xlsx');
    await writeFile(
      file,
      zip({
        ...workbookParts,
        'xl/worksheets/sheet1.xml': sheet([
          ['phone'],
          ...Array.from({ length: 500 }, () => ['+12125551234']),
        ]),
      }),
    );
    await expect(checkXlsxBomb(file)).resolves.toBeUndefined();
  });
});
