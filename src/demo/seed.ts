import type { Knex } from 'knex';
import { labNumber, type LabBehaviourDigit } from '../lab/number-plan.js';
import { Rng } from '../sim/rng.js';
import { insertLeadBatch, type NewLead } from '../store/lead-ledger/index.js';

/** A day on a typical outbound list, in the lab's terms (share of leads per far-end behaviour). */
const MIX: { digit: LabBehaviourDigit; share: number; talk: [number, number] }[] = [
  { digit: 0, share: 0.28, talk: [5, 25] }, // human, rings 1 s, talks 5–25 s then hangs up
  { digit: 7, share: 0.05, talk: [5, 20] }, // human, rings 6 s
  { digit: 5, share: 0.1, talk: [0, 0] }, // answering machine
  { digit: 2, share: 0.2, talk: [0, 0] }, // no answer
  { digit: 1, share: 0.15, talk: [0, 0] }, // busy
  { digit: 3, share: 0.05, talk: [0, 0] }, // congestion
  { digit: 4, share: 0.07, talk: [0, 0] }, // invalid number
  { digit: 6, share: 0.05, talk: [0, 0] }, // rejected
  { digit: 8, share: 0.05, talk: [0, 0] }, // unavailable
];

export interface DemoSeed {
  campaignId: number;
  campaignCode: string;
  agents: { id: number; username: string; endpoint: string }[];
  leads: number;
}

export async function seedDemo(
  db: Knex,
  options: { agents: number; leads: number; mode: string; seed: number; now: Date },
): Promise<DemoSeed> {
  const rng = new Rng(options.seed);
  const random = () => rng.next();
  const agents: DemoSeed['agents'] = [];
  for (let i = 1; i <= options.agents; i++) {
    const username = `agent${i}`;
    await db('agents')
      .insert({ username, display_name: `Lab agent ${i}`, sip_endpoint: `PJSIP/agent${i}` })
      .onConflict('username')
      .merge(['sip_endpoint']);
    const row = await db('agents').where({ username }).first<{ id: number }>('id');
    agents.push({ id: row.id, username, endpoint: `PJSIP/agent${i}` });
  }
  const code = `demo-${options.now.toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
  const [campaign] = await db('campaigns')
    .insert({
      code,
      name: 'Lab demo: customer-care callbacks',
      status: 'active',
      purpose: 'care',
      dial_mode: options.mode,
      caller_id_number: '+15555550100',
      caller_id_name: 'Dialer Lab',
      trunk: 'lab-carrier',
      max_attempts: 3,
      settings: {
        engine: { ringTimeoutSec: 15, wrapUpSec: 3, amd: options.mode !== 'progressive' },
        // Lab only: the SIPp customers do not sleep, so the demo may dial at any hour.
        window: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
      },
    })
    .returning<{ id: number }[]>('id');
  if (!campaign) throw new Error('campaign insert returned nothing');
  // Agents log in only to campaigns they are assigned to.
  await db('campaign_assignments')
    .insert(agents.map((a) => ({ user_id: a.id, campaign_id: campaign.id, assigned_by: 'demo' })))
    .onConflict(['user_id', 'campaign_id'])
    .ignore();
  const rows: NewLead[] = [];
  for (let i = 0; i < options.leads; i++) {
    const pick = pickBehaviour(random());
    const talk = pick.talk[0] + Math.floor(random() * (pick.talk[1] - pick.talk[0] + 1));
    // Area codes 201–999 and the index digit keep every number distinct.
    const area = 201 + Math.floor(i / 10);
    rows.push({
      phone: labNumber(pick.digit, talk, i % 10, area),
      timezone: 'America/New_York',
      timezoneSource: 'explicit',
      name: `Customer ${i + 1}`,
      attributes: { segment: pick.digit === 0 ? 'gold' : 'standard' },
    });
  }
  for (let i = 0; i < rows.length; i += 2_000)
    await insertLeadBatch(db, campaign.id, null, rows.slice(i, i + 2_000));
  return { campaignId: campaign.id, campaignCode: code, agents, leads: rows.length };
}

function pickBehaviour(r: number): (typeof MIX)[number] {
  let acc = 0;
  for (const m of MIX) {
    acc += m.share;
    if (r < acc) return m;
  }
  return MIX[0] as (typeof MIX)[number];
}
