import type { Knex } from 'knex';
import { claimLeads } from '../../src/store/lead-ledger/index.js';
import { createTestDb } from '../../test/support/db.js';
import { hiResNow } from './clock.js';
import { spread, type Spread } from './stats.js';
import { stop } from './stop.js';

export interface SelectionOptions {
  sizes: number[];
  /** Timed claims per size, within a minute (each of `limit` leads, rolled back: the list stays). */
  claims: number;
  /** Leads per claim: what the runner asks for when its hopper is empty (2 × low water). */
  limit: number;
  log: (line: string) => void;
}

export interface SelectionRow {
  leads: number;
  /** claimLeads as shipped. */
  claim: Spread;
  /** The same call after the bench adds an index in the query's own order (not in src/). */
  claimWithMatchingIndex: Spread;
  /** Top of the plan of the claim's select as shipped, e.g. "Limit > LockRows > Sort > Seq Scan". */
  plan: string;
  planWithMatchingIndex: string;
  insertSeconds: number;
}

class Rollback extends Error {}

/** Time for the timed claims of one list size (a 10 M list takes seconds per claim). */
const CLAIM_BUDGET_MS = 60_000;

/**
 * claimLeads against campaigns of different sizes in one database: a realistic list (most leads
 * new, some done, some scheduled later, some retries due). Each timed claim runs in a
 * transaction that is rolled back, so every claim sees the same list.
 */
export async function runLeadSelection(o: SelectionOptions): Promise<SelectionRow[]> {
  const t = await createTestDb();
  try {
    const campaigns: { size: number; id: number; insertSeconds: number }[] = [];
    for (const size of o.sizes) {
      const started = Date.now();
      const id = await campaignWithLeads(t.db, size);
      campaigns.push({ size, id, insertSeconds: (Date.now() - started) / 1000 });
      o.log(
        `  lead selection: ${size.toLocaleString('en')} leads inserted in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    await t.db.raw('vacuum analyze leads');
    const rows: SelectionRow[] = [];
    for (const c of campaigns) {
      rows.push({
        leads: c.size,
        claim: await timeClaims(t.db, c.id, o),
        claimWithMatchingIndex: { n: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN },
        plan: await planOf(t.db, c.id, o.limit),
        planWithMatchingIndex: '',
        insertSeconds: c.insertSeconds,
      });
    }
    // What an index in the query's order (next_attempt_at NULLS FIRST) would change.
    await t.db.raw(
      `create index bench_leads_ready_nulls_first_idx on leads (campaign_id, priority, next_attempt_at nulls first, id)
        where status in ('new','scheduled','callback')`,
    );
    await t.db.raw('analyze leads');
    for (const [i, c] of campaigns.entries()) {
      const row = rows[i];
      if (!row) continue;
      row.claimWithMatchingIndex = await timeClaims(t.db, c.id, o);
      row.planWithMatchingIndex = await planOf(t.db, c.id, o.limit);
    }
    return rows;
  } finally {
    await t.drop();
  }
}

async function campaignWithLeads(db: Knex, size: number): Promise<number> {
  const [c] = await db('campaigns')
    .insert({ code: `bench-select-${size}`, name: `Selection ${size}`, status: 'active', purpose: 'care' })
    .returning<{ id: number }[]>('id');
  if (!c) throw new Error('campaign insert returned nothing');
  // Per 20 leads: 15 new, 2 done, 2 scheduled tomorrow, 1 retry due an hour ago. Deterministic.
  await db.raw(
    `insert into leads (campaign_id, phone_e164, timezone, status, attempts, next_attempt_at)
     select :id, '+1' || (2000000000 + g)::text, 'America/New_York',
            case when g % 20 in (0, 1) then 'done' when g % 20 in (2, 3, 4) then 'scheduled' else 'new' end,
            case when g % 20 in (0, 1, 2, 3, 4) then 1 else 0 end,
            case when g % 20 in (2, 3) then now() + interval '1 day'
                 when g % 20 = 4 then now() - interval '1 hour' end
       from generate_series(1, :size) g`,
    { id: c.id, size },
  );
  return c.id;
}

async function timeClaims(db: Knex, campaignId: number, o: SelectionOptions): Promise<Spread> {
  const ms: number[] = [];
  const until = Date.now() + CLAIM_BUDGET_MS;
  // The first three warm the cache and are not counted; at least ten are, whatever the budget.
  for (let i = 0; i < o.claims + 3 && (ms.length < 10 || Date.now() < until) && !stop.requested; i++) {
    let took = 0;
    let got = 0;
    await db
      .transaction(async (trx) => {
        const t0 = hiResNow();
        got = (await claimLeads(trx, campaignId, o.limit, new Date())).length;
        took = hiResNow() - t0;
        throw new Rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
    if (got !== o.limit) throw new Error(`claim returned ${got} leads, expected ${o.limit}`);
    if (i >= 3) ms.push(took);
  }
  return spread(ms);
}

/**
 * The plan of the statement claimLeads really sends (caught from knex's query event), from its
 * LIMIT down the first children: e.g. "Limit > LockRows > Sort > Seq Scan".
 */
async function planOf(db: Knex, campaignId: number, limit: number): Promise<string> {
  let sent: { sql: string; bindings: unknown[] } | undefined;
  const catchIt = (q: { sql?: string; bindings?: unknown[] }) => {
    if (q.sql?.includes('for update skip locked')) sent = { sql: q.sql, bindings: q.bindings ?? [] };
  };
  db.on('query', catchIt);
  await db
    .transaction(async (trx) => {
      await claimLeads(trx, campaignId, limit, new Date());
      throw new Rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Rollback)) throw err;
    })
    .finally(() => db.removeListener('query', catchIt));
  if (!sent) return 'not seen';
  // The event carries pg's $1…$n; knex.raw wants ? (they appear in order, one per binding).
  const sql = sent.sql.replace(/\$\d+/g, '?');
  const { rows } = await db.raw<{ rows: { 'QUERY PLAN': { Plan: PlanNode }[] }[] }>(
    `explain (format json) ${sql}`,
    sent.bindings as Knex.RawBinding[],
  );
  const top = rows[0]?.['QUERY PLAN'][0]?.Plan;
  const names: string[] = [];
  let node = top ? findNode(top, 'Limit') : undefined;
  while (node) {
    names.push(node['Index Name'] ? `${node['Node Type']} (${node['Index Name']})` : node['Node Type']);
    node = node.Plans?.[0];
  }
  return names.join(' > ');
}

function findNode(n: PlanNode, type: string): PlanNode | undefined {
  if (n['Node Type'] === type) return n;
  for (const c of n.Plans ?? []) {
    const hit = findNode(c, type);
    if (hit) return hit;
  }
  return undefined;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
