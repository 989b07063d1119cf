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
  dir = await mkdtemp(join(tmpdir(), 'dialer-hostile-'));
  campaignId = (await createCampaign(t.db, { code: 'hostile', name: 'Hostile input', purpose: 'survey' })).id;
});
afterAll(async () => {
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const phonesOfList = async (listId: number | null) =>
  (await t.db('leads').where({ list_id: listId }).orderBy('phone_e164').pluck('phone_e164')) as string[];

describe('importLeads with hostile input', () => {
  it('a stray quote costs only its own row: 4 rows, 1 bad quote → 3 imported, 1 rejected naming row and field', async () => {
    const file = join(dir, 'quote.csv');
    await writeFile(
      file,
      'phone,name\n"2125550101,Alice\n2125550102,Bob\n2125550103,Carol\n2125550104,Dave\n',
    );
    const s = await importLeads({ db: t.db, file, campaignId });
    expect(s).toMatchObject({ imported: 3, rejected: 1, rejectedByReason: { 'unreadable-csv': 1 } });
    expect(await phonesOfList(s.listId)).toEqual(['+12125550102', '+12125550103', '+12125550104']);
    const { rows } = await readRejects(`${file}.rejects.csv`);
    expect(rows).toEqual([
      {
        row: '2',
        field: 'phone',
        code: 'unreadable-csv',
        message: 'unreadable CSV: a quoted field is never closed',
        raw: '"2125550101,Alice',
      },
    ]);
  });

  it('a 10 MB name is refused with a per-row error; the rows around it are kept', async () => {
    const file = join(dir, 'huge-name.csv');
    await writeFile(
      file,
      `phone,name\n2125550201,Ann\n2125550202,${'x'.repeat(10 * 1024 * 1024)}\n2125550203,Cy\n`,
    );
    const s = await importLeads({ db: t.db, file, campaignId });
    expect(s).toMatchObject({ imported: 2, rejected: 1, rejectedByReason: { 'field-too-long': 1 } });
    const { rows } = await readRejects(`${file}.rejects.csv`);
    expect(rows.map((r) => [r.row, r.field, r.code, r.message])).toEqual([
      ['3', 'name', 'field-too-long', 'name is 10485760 characters long; at most 200 are allowed'],
    ]);
    const names = (await t.db('leads').where({ list_id: s.listId }).pluck('name')) as string[];
    expect(names.sort()).toEqual(['Ann', 'Cy']);
  });

  it('formulas from the input file are written to the rejects file as text', async () => {
    const file = join(dir, 'formulas.csv');
    await writeFile(file, 'phone,name\n=HYPERLINK("http://evil.example"),x\n@SUM(1+1),y\n2125550301,ok\n');
    const s = await importLeads({ db: t.db, file, campaignId });
    expect(s).toMatchObject({ imported: 1, rejected: 2 });
    const { rows } = await readRejects(`${file}.rejects.csv`);
    expect(rows.map((r) => r.raw)).toEqual(['\'=HYPERLINK("http://evil.example"),x', "'@SUM(1+1),y"]);
    expect(rows.map((r) => r.message.startsWith("'") || !/^[=+\-@]/.test(r.message))).toEqual([true, true]);
  });
});
