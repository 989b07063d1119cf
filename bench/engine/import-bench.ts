import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { importLeads } from '../../src/import/import-leads.js';
import { createCampaign } from '../../src/store/repositories/campaigns.js';
import { createTestDb } from '../../test/support/db.js';
import { hiResNow } from './clock.js';

export interface ImportResult {
  rows: number;
  imported: number;
  rejected: number;
  /** dialer import: rows per second and the process's peak RSS above where it started, MB. */
  rowsPerSec: number;
  peakRssMb: number;
  rssBeforeMb: number;
  /** Baseline: the same file through csv-parse alone (no validation, no database). */
  parseOnlyRowsPerSec: number;
  /** Baseline: Postgres inserting as many leads from generate_series into the same table. */
  sqlInsertRowsPerSec: number;
}

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

/** `dialer import` of a generated file (the one test/integration/import-1m.test.ts uses). */
export async function runImport(rows: number): Promise<ImportResult> {
  const dir = await mkdtemp(join(tmpdir(), 'dialer-bench-import-'));
  const t = await createTestDb();
  try {
    const file = join(dir, 'leads.csv');
    await generate(file, rows);
    const parseOnlyRowsPerSec = await parseOnly(file);
    const campaignId = (
      await createCampaign(t.db, { code: 'bench-import', name: 'Import', purpose: 'survey' })
    ).id;
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    let s;
    try {
      s = await importLeads({ db: t.db, file, campaignId });
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const other = (await createCampaign(t.db, { code: 'bench-sql', name: 'SQL floor', purpose: 'survey' }))
      .id;
    const t0 = hiResNow();
    await t.db.raw(
      `insert into leads (campaign_id, phone_e164, timezone, name, attributes)
       select ?, '+1' || (3000000000 + g)::text, 'America/New_York', 'Customer ' || g,
              jsonb_build_object('segment', 'seg-' || (g % 7), 'score', (g % 100)::text)
         from generate_series(1, ?) g`,
      [other, rows],
    );
    const sqlSeconds = (hiResNow() - t0) / 1000;
    return {
      rows,
      imported: s.imported,
      rejected: s.rejected,
      rowsPerSec: s.rowsPerSecond,
      peakRssMb: (peak - rssBefore) / 2 ** 20,
      rssBeforeMb: rssBefore / 2 ** 20,
      parseOnlyRowsPerSec,
      sqlInsertRowsPerSec: rows / sqlSeconds,
    };
  } finally {
    await t.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function parseOnly(file: string): Promise<number> {
  const t0 = hiResNow();
  let n = 0;
  const parser = createReadStream(file).pipe(parse({ columns: true }));
  for await (const _row of parser) n += 1;
  return n / ((hiResNow() - t0) / 1000);
}
