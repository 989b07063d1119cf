import type { Knex } from 'knex';
import { labNumber } from '../../src/lab/number-plan.js';
import { seededRandom } from './stats.js';

/** Lab customers who answer at once (behaviour 9) and hang up after `talkSec`, all distinct. */
export function answeringCustomers(count: number, talk: (i: number) => number): string[] {
  // Area codes 200–999 × the index digit: 8,000 distinct numbers per talk time.
  if (count > 8_000) throw new Error(`at most 8000 distinct customers per run, asked for ${count}`);
  return Array.from({ length: count }, (_, i) => labNumber(9, talk(i), i % 10, 200 + Math.floor(i / 10)));
}

/** Talk times drawn uniformly from [min, max] whole seconds, repeatable by seed. */
export function seededTalk(seed: number, min: number, max: number): (i: number) => number {
  const random = seededRandom(seed);
  const memo: number[] = [];
  return (i) => {
    while (memo.length <= i) memo.push(min + Math.floor(random() * (max - min + 1)));
    return memo[i] ?? min;
  };
}

export async function insertCampaign(
  db: Knex,
  o: {
    code: string;
    mode: 'progressive' | 'agentless';
    engine: Record<string, unknown>;
    survey?: Record<string, unknown>;
  },
): Promise<number> {
  const [c] = await db('campaigns')
    .insert({
      // A random id: call ids (= PBX channel ids) derive from it and must not meet earlier runs'.
      id: 100_000 + Math.floor(Math.random() * 1e8),
      code: o.code,
      name: `Engine benchmark (${o.code})`,
      status: 'active',
      purpose: 'care',
      dial_mode: o.mode,
      trunk: 'lab-carrier',
      max_attempts: 1,
      settings: {
        engine: o.engine,
        ...(o.survey ? { survey: o.survey } : {}),
        // Lab only: SIPp customers do not sleep, so the benchmark may dial at any hour.
        window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
      },
    })
    .returning<{ id: number }[]>('id');
  if (!c) throw new Error('campaign insert returned nothing');
  return c.id;
}

export async function insertLeads(db: Knex, campaignId: number, phones: readonly string[]): Promise<void> {
  const rows = phones.map((phone_e164, i) => ({
    campaign_id: campaignId,
    phone_e164,
    timezone: 'America/New_York',
    name: `Bench customer ${i + 1}`,
  }));
  await db.batchInsert('leads', rows, 1_000);
}

/** The lab's agent softphones PJSIP/agent1..n as agent rows; returns their usernames. */
export async function insertAgents(
  db: Knex,
  n: number,
  endpoint: (i: number) => string = (i) => `PJSIP/agent${i}`,
): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `agent${i + 1}`);
  await db('agents').insert(
    names.map((username, i) => ({ username, display_name: username, sip_endpoint: endpoint(i + 1) })),
  );
  return names;
}

/** Leads still to dial plus calls not yet ended: 0 when a campaign's list is finished. */
export async function openWork(db: Knex, campaignId: number): Promise<number> {
  const [leads] = await db('leads')
    .where({ campaign_id: campaignId })
    .whereIn('status', ['new', 'scheduled', 'dialling'])
    .count<{ n: number }[]>({ n: '*' });
  const [calls] = await db('calls')
    .where({ campaign_id: campaignId })
    .whereNull('ended_at')
    .count<{ n: number }[]>({ n: '*' });
  return Number(leads?.n ?? 0) + Number(calls?.n ?? 0);
}

/** Integrity of a finished run: attempts with two rows, rows with no outcome, recordings. */
export async function integrity(
  db: Knex,
  campaignId: number,
): Promise<{ duplicateAttempts: number; withoutOutcome: number; answered: number; archived: number }> {
  const dup = await db.raw<{ rows: { n: number }[] }>(
    `select count(*)::int as n from (select lead_id, attempt from calls where campaign_id = ?
      group by 1, 2 having count(*) > 1) d`,
    [campaignId],
  );
  const [none] = await db('calls')
    .where({ campaign_id: campaignId })
    .whereNull('outcome')
    .count<{ n: number }[]>({ n: '*' });
  const [answered] = await db('calls')
    .where({ campaign_id: campaignId })
    .whereNotNull('answered_at')
    .count<{ n: number }[]>({ n: '*' });
  const [archived] = await db('recordings as r')
    .join('calls as c', 'c.id', 'r.call_id')
    .where({ 'c.campaign_id': campaignId, 'r.status': 'archived' })
    .count<{ n: number }[]>({ n: '*' });
  return {
    duplicateAttempts: dup.rows[0]?.n ?? 0,
    withoutOutcome: Number(none?.n ?? 0),
    answered: Number(answered?.n ?? 0),
    archived: Number(archived?.n ?? 0),
  };
}
