/**
 * bench:refusals — what storing every gate refusal costs (issue #19), on the local Postgres.
 *
 *   npm run bench:refusals [-- --attempts 4000 --rows 1000000]
 *
 * Part 1, write cost per refused attempt: the ledger's `refused()` (the lead's move and the
 * `gate_refusals` row in one transaction) against a baseline measured in the same run — the
 * same transaction with the same lead move and no refusal row. Also one `gate_refusals` insert
 * alone against one insert into a bare two-column table. Measured twice: on an empty table and
 * after part 2 filled it (index depth grows with size). Blocks of the two sides alternate.
 * Part 2, size: `--rows` refusals of a realistic mix (reasons, facts as the gate writes them,
 * 30 days of `decided_at`), then VACUUM ANALYZE and pg_total_relation_size (heap + TOAST + both
 * indexes + the primary key), per row and per million (extrapolated linearly when `--rows` is
 * not a million; labelled), and the doctor's time over the campaign before and after the fill.
 * A scratch database is created and dropped; nothing else is touched.
 */
import type { Knex } from 'knex';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { DialAttempt, GateRefusal } from '../src/domain/attempt.js';
import type { LeadEvent } from '../src/domain/lead/lifecycle.js';
import { diagnoseCampaign } from '../src/diagnosis/campaign-diagnosis.js';
import { applyLeadEvent, claimLeads, PgAttemptLedger } from '../src/store/lead-ledger/index.js';
import { createCampaign, getCampaign, rulesOf } from '../src/store/repositories/campaigns.js';
import { createTestDb, type TestDb } from '../test/support/db.js';
import { spread, type Spread } from './engine/stats.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name}: expected a positive whole number`);
  return v;
};
const ATTEMPTS = arg('attempts', 4000);
const ROWS = arg('rows', 1_000_000);
const BLOCK = 250;
const WARMUP = 100;
const log = (s: string) => console.log(s);

/** An outside-window refusal with the facts the gate keeps for it (refusal-facts.ts). */
const REFUSAL: GateRefusal = {
  allowed: false,
  reason: 'outside-window',
  nextEligibleAt: new Date(Date.now() + 6 * 3_600_000),
  facts: {
    timezone: 'America/Los_Angeles',
    attempts: 0,
    windowZone: 'America/Los_Angeles',
    window: '08:00-21:00',
    localTime: '2026-06-10 05:30 Wed',
    holidays: [],
  },
};

async function seedLeads(db: Knex, campaignId: number, n: number, offset: number): Promise<void> {
  await db.raw(
    `insert into leads (campaign_id, phone_e164, timezone)
     select :campaignId, '+1212' || lpad((:offset + g)::text, 7, '0'), 'America/Los_Angeles'
       from generate_series(1, :n) g`,
    { campaignId, n, offset },
  );
}

async function claimAll(db: Knex, campaignId: number, n: number): Promise<DialAttempt[]> {
  const out: DialAttempt[] = [];
  while (out.length < n) {
    const got = await claimLeads(db, campaignId, Math.min(500, n - out.length), new Date());
    if (got.length === 0) break;
    out.push(...got.map((c) => c.attempt));
  }
  return out;
}

async function each<T>(items: readonly T[], f: (item: T) => Promise<unknown>): Promise<void> {
  for (const item of items) await f(item);
}

const timed = async (samples: number[], f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  samples.push((performance.now() - t0) * 1000);
};

interface CostResult {
  refused: Spread;
  baseline: Spread;
  insert: Spread;
  bareInsert: Spread;
}

/** Part 1: per refused attempt, the ledger's `refused()` vs the same lead move without its row. */
async function writeCost(db: Knex, campaignId: number, offset: number): Promise<CostResult> {
  const c = await getCampaign(db, campaignId);
  const ledger = new PgAttemptLedger(db, campaignId, rulesOf(c));
  await seedLeads(db, campaignId, 2 * (ATTEMPTS + WARMUP), offset);
  const attempts = await claimAll(db, campaignId, 2 * (ATTEMPTS + WARMUP));
  const s = {
    refused: [] as number[],
    baseline: [] as number[],
    insert: [] as number[],
    bare: [] as number[],
  };
  const at = new Date();
  const event: LeadEvent = {
    type: 'refused-by-gate',
    at,
    reason: REFUSAL.reason,
    nextEligibleAt: REFUSAL.nextEligibleAt,
  };
  const refuse = (a: DialAttempt, into: number[]) => timed(into, () => ledger.refused(a, REFUSAL, at));
  const move = (a: DialAttempt, into: number[]) => {
    const ref = { leadId: a.leadId, campaignId, attempt: a.attempt };
    return timed(into, () => db.transaction((trx) => applyLeadEvent(trx, ref, event)));
  };
  // Warm-up (not counted), then blocks of each side, the side going first alternating.
  const warm = attempts.splice(0, 2 * WARMUP);
  for (const [k, a] of warm.entries()) await (k % 2 ? move(a, []) : refuse(a, []));
  for (let i = 0, b = 0; i < attempts.length; i += 2 * BLOCK, b += 1) {
    const block = attempts.slice(i, i + 2 * BLOCK);
    const sides = [
      () =>
        each(
          block.filter((_, k) => k % 2 === 0),
          (a) => refuse(a, s.refused),
        ),
      () =>
        each(
          block.filter((_, k) => k % 2 === 1),
          (a) => move(a, s.baseline),
        ),
    ];
    for (const side of b % 2 ? sides.reverse() : sides) await side();
  }
  const row = (a: DialAttempt) => ({
    campaign_id: campaignId,
    lead_id: a.leadId,
    attempt: 9,
    reason: REFUSAL.reason,
    facts: JSON.stringify(REFUSAL.facts),
    decided_at: at,
    next_eligible_at: REFUSAL.nextEligibleAt,
  });
  for (let i = 0; i < ATTEMPTS; i += BLOCK) {
    for (const a of attempts.slice(i, i + BLOCK))
      await timed(s.insert, () => db('gate_refusals').insert(row(a)));
    for (const a of attempts.slice(i, i + BLOCK))
      await timed(s.bare, () => db('bench_bare').insert({ lead_id: a.leadId, at }));
  }
  return {
    refused: spread(s.refused),
    baseline: spread(s.baseline),
    insert: spread(s.insert),
    bareInsert: spread(s.bare),
  };
}

/** Part 2: `n` refusals of a realistic mix over `leads` leads, in batches of one statement each. */
async function fill(db: Knex, campaignId: number, n: number, leads: number): Promise<number> {
  const first = await db('leads').where({ campaign_id: campaignId }).min<{ min: number }[]>('id as min');
  const base = Number(first[0]?.min);
  const t0 = performance.now();
  for (let done = 0; done < n; done += 100_000) {
    const size = Math.min(100_000, n - done);
    await db.raw(
      `insert into gate_refusals (campaign_id, lead_id, attempt, reason, facts, decided_at, next_eligible_at)
       select :campaignId::bigint, :base::bigint + (g % :leads::bigint), 1 + (g / :leads::bigint)::int, r.reason, r.facts::jsonb,
              now() - (g % 2592000) * interval '1 second',
              case when r.timed then now() + (g % 86400) * interval '1 second' end
         from generate_series(:from::bigint, :to::bigint) g
         cross join lateral (select * from (values
           (0, 'outside-window', true, '{"timezone":"America/Los_Angeles","attempts":0,"windowZone":"America/Los_Angeles","window":"08:00-21:00","localTime":"2026-06-10 05:30 Wed","holidays":[]}'),
           (1, 'dnc:marketing', false, '{"timezone":"America/New_York","attempts":0,"dncTypes":["marketing"],"purpose":"marketing"}'),
           (2, 'frequency-cap', true, '{"timezone":"America/Chicago","attempts":1,"lastContactSamePurposeAt":"2026-06-01T15:04:05.000Z","frequencyCapDays":30,"purpose":"marketing"}'),
           (3, 'blacklist', false, '{"timezone":"America/New_York","attempts":0,"blacklisted":true}'),
           (4, 'callee-limit', true, '{"timezone":"Asia/Shanghai","attempts":2,"recentAttemptsToNumber":["2026-06-10T01:00:00.000Z","2026-06-10T02:00:00.000Z"],"limits":["2 per 1440 min"]}'))
           v(k, reason, timed, facts) where v.k = (case when g % 20 < 10 then 0 when g % 20 < 14 then 1
                                                    when g % 20 < 17 then 2 when g % 20 < 19 then 3 else 4 end)) r`,
      { campaignId, base, leads, from: done + 1, to: done + size },
    );
  }
  return (performance.now() - t0) / 1000;
}

/**
 * The doctor over two campaigns with the same number of leads, one with `gate_refusals` rows and
 * one without, alternating (fresh statistics, one warm-up each): medians of `runs`, in ms.
 */
async function doctorPair(db: Knex, withRows: number, without: number, runs = 5): Promise<[number, number]> {
  await db.raw('analyze');
  const a: number[] = [];
  const b: number[] = [];
  for (let i = -1; i < runs; i += 1) {
    for (const [id, into] of i % 2
      ? ([
          [withRows, a],
          [without, b],
        ] as const)
      : ([
          [without, b],
          [withRows, a],
        ] as const)) {
      const t0 = performance.now();
      await diagnoseCampaign(db, id, new Date());
      if (i >= 0) into.push(performance.now() - t0);
    }
  }
  return [spread(a).p50, spread(b).p50];
}

async function sizes(
  db: Knex,
): Promise<{ heap: number; toast: number; indexes: number; total: number; rows: number }> {
  await db.raw('vacuum analyze gate_refusals');
  const { rows } = await db.raw<{ rows: { heap: string; total: string; indexes: string; n: string }[] }>(
    `select pg_relation_size('gate_refusals') as heap, pg_total_relation_size('gate_refusals') as total,
            pg_indexes_size('gate_refusals') as indexes, (select count(*) from gate_refusals) as n`,
  );
  const r = rows[0]!;
  const total = Number(r.total);
  const heap = Number(r.heap);
  const indexes = Number(r.indexes);
  return { heap, indexes, toast: total - heap - indexes, total, rows: Number(r.n) };
}

const us = (s: Spread) => `mean ${s.mean.toFixed(0)} µs, p50 ${s.p50.toFixed(0)}, p99 ${s.p99.toFixed(0)}`;
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

function printCost(label: string, r: CostResult): void {
  log(
    `  ${label} (${ATTEMPTS} attempts each side, blocks of ${BLOCK} alternating which side goes first, after ${WARMUP} warm-up each; timed in the client from the call to its promise resolving):`,
  );
  log(`    refused attempt, ledger.refused() (lead move + refusal row, one transaction): ${us(r.refused)}`);
  log(`    baseline, the same transaction without the refusal row:                        ${us(r.baseline)}`);
  log(
    `    → the stored fact adds ${(r.refused.p50 - r.baseline.p50).toFixed(0)} µs per refused attempt at the median (ratio ${(r.refused.p50 / r.baseline.p50).toFixed(2)}); by means ${(r.refused.mean - r.baseline.mean).toFixed(0)} µs (ratio ${(r.refused.mean / r.baseline.mean).toFixed(2)}; means carry the shared machine's stalls)`,
  );
  log(`    one gate_refusals insert alone (autocommit):       ${us(r.insert)}`);
  log(`    baseline, one insert into a bare 2-column table:   ${us(r.bareInsert)}`);
  log(
    `    → ratio ${(r.insert.p50 / r.bareInsert.p50).toFixed(2)} at the median, ${(r.insert.mean / r.bareInsert.mean).toFixed(2)} by means`,
  );
}

async function main(): Promise<void> {
  let t: TestDb | undefined;
  try {
    t = await createTestDb();
    const db = t.db;
    const version = await db.raw<{ rows: { v: string }[] }>('select version() as v');
    log(
      `bench:refusals — ${new Date().toISOString()}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(
          ' ',
        )} on ${cpus().length} cores; ${version.rows[0]?.v.split(',')[0] ?? 'Postgres'}; scratch database ${t.name}`,
    );
    await db.schema.createTable('bench_bare', (tb) => {
      tb.bigIncrements('id');
      tb.bigInteger('lead_id');
      tb.timestamp('at', { useTz: true });
    });
    const c = await createCampaign(db, { code: 'bench', name: 'Refusal bench', purpose: 'marketing' });
    await db('campaigns').where({ id: c.id }).update({ status: 'active' });
    log('part 1: write cost per refused attempt, on an empty gate_refusals');
    const empty = await writeCost(db, c.id, 0);
    printCost('empty table', empty);
    const leads = 200_000;
    await seedLeads(db, c.id, leads, 1_000_000);
    log(
      `part 2: size — inserting ${ROWS.toLocaleString('en')} refusals over ${leads.toLocaleString('en')} leads (50% outside-window, 20% dnc, 15% frequency-cap, 10% blacklist, 5% callee-limit)`,
    );
    const secs = await fill(db, c.id, ROWS, leads);
    const s = await sizes(db);
    const plain = await createCampaign(db, {
      code: 'bench-plain',
      name: 'No refusals',
      purpose: 'marketing',
    });
    await seedLeads(db, plain.id, leads + 2 * (ATTEMPTS + WARMUP), 3_000_000);
    const [doctorWith, doctorWithout] = await doctorPair(db, c.id, plain.id);
    const per = s.total / s.rows;
    const scale = 1_000_000 / s.rows;
    const how =
      s.rows === 1_000_000
        ? 'measured at 1,000,000 rows'
        : `extrapolated linearly from ${s.rows.toLocaleString('en')} rows`;
    log(`  inserted in ${secs.toFixed(1)} s (server-side generate_series, 100,000 a statement)`);
    log(
      `  after VACUUM ANALYZE, ${s.rows.toLocaleString('en')} rows: total ${mb(s.total)} = heap ${mb(s.heap)} + indexes ${mb(s.indexes)} (pkey, by lead, by campaign) + TOAST and free-space/visibility maps ${mb(s.toast)}`,
    );
    log(
      `  → ${per.toFixed(0)} bytes per refusal; per million refusals ${mb(s.total * scale)} (heap ${mb(s.heap * scale)}, indexes ${mb(s.indexes * scale)}) — ${how}`,
    );
    log(
      `  the doctor (diagnoseCampaign over ${(leads + 2 * (ATTEMPTS + WARMUP)).toLocaleString('en')} leads, from the call to its answer; medians of 5, alternating): ${doctorWith.toFixed(0)} ms on the campaign with the refusals, ${doctorWithout.toFixed(0)} ms on one with as many leads and none (ratio ${(doctorWith / doctorWithout).toFixed(2)})`,
    );
    log(`part 1 again, on the filled table (${s.rows.toLocaleString('en')} rows)`);
    printCost('filled table', await writeCost(db, c.id, 2_000_000));
  } finally {
    await t?.drop();
  }
}

await main();
