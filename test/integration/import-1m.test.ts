import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importLeads } from '../../src/import/import-leads.js';
import { createCampaign } from '../../src/store/repositories/campaigns.js';
import { createTestDb, type TestDb } from '../support/db.js';

const ROWS = Number(process.env['DIALER_IMPORT_ROWS'] ?? 1_000_000);
const RSS_LIMIT_MB = 400;

let t: TestDb;
let dir: string;

beforeAll(async () => {
  t = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'dialer-import-1m-'));
});
afterAll(async () => {
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Valid, distinct US numbers: five area codes × exchanges 200–299; every 1,000th row is bad. */
async function generate(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  const areas = ['212', '415', '312', '617', '713'];
  out.write('phone,name,segment,score\n');
  for (let i = 0; i < rows; i += 1) {
    const phone = i % 1000 === 999 ? 'n/a' : `+1${areas[i % 5]}${2_000_000 + Math.floor(i / 5)}`;
    if (!out.write(`${phone},Customer ${i},seg-${i % 7},${i % 100}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

it(`imports ${ROWS.toLocaleString('en')} rows in bounded memory`, { timeout: 300_000 }, async () => {
  const file = join(dir, 'big.csv');
  await generate(file, ROWS);
  const campaignId = (await createCampaign(t.db, { code: 'big', name: 'Big list', purpose: 'survey' })).id;
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  let progressCalls = 0;
  try {
    const s = await importLeads({ db: t.db, file, campaignId, onProgress: () => void (progressCalls += 1) });
    peak = Math.max(peak, process.memoryUsage().rss);
    const bad = Math.floor(ROWS / 1000);
    expect(s).toMatchObject({ rowsRead: ROWS, imported: ROWS - bad, rejected: bad, mergedInFile: 0 });
    expect(progressCalls).toBeGreaterThan(ROWS / 2000 - 1);
    console.log(
      `import ${ROWS} rows: ${s.rowsPerSecond} rows/s, ${s.seconds.toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`,
    );
    const n = (await t.db('leads').where({ campaign_id: campaignId }).count({ n: '*' }).first()) as {
      n: number;
    };
    expect(n.n).toBe(ROWS - bad);
  } finally {
    clearInterval(timer);
  }
  expect(peak / 2 ** 20).toBeLessThan(RSS_LIMIT_MB);
});
