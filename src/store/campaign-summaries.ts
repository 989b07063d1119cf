import type { Knex } from 'knex';
import type { CampaignStatus } from '../domain/campaign/lifecycle.js';

/** A campaign as the console lists it (web/src/api/admin.ts `Campaign`). */
export interface CampaignSummary {
  id: number;
  code: string;
  name: string;
  status: CampaignStatus;
  purpose: string;
  dialMode: string;
  leads: number;
  /** Who approved it, by username, oldest first. */
  approvals: { by: string; level: string; at: string }[];
  createdBy: string | null;
  createdAt: string;
}

interface Row {
  id: number;
  code: string;
  name: string;
  status: CampaignStatus;
  purpose: string;
  dial_mode: string;
  created_at: Date;
  creator: string | null;
}

/** Campaigns (all, or the ids of `scope`), newest first, with lead counts and approvals. */
export async function campaignSummaries(
  db: Knex,
  scope: 'all' | readonly number[],
): Promise<CampaignSummary[]> {
  const q = db('campaigns as c')
    .leftJoin('agents as a', 'a.id', 'c.created_by')
    .orderBy('c.id', 'desc')
    .select<Row[]>(
      'c.id',
      'c.code',
      'c.name',
      'c.status',
      'c.purpose',
      'c.dial_mode',
      'c.created_at',
      'a.username as creator',
    );
  if (scope !== 'all') q.whereIn('c.id', scope);
  const rows = await q;
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const counts = await db('leads')
    .whereIn('campaign_id', ids)
    .groupBy('campaign_id')
    .select<{ campaign_id: number; n: number }[]>('campaign_id', db.raw('count(*)::int as n'));
  const approvals = await db('campaign_approvals as p')
    .join('agents as a', 'a.id', 'p.approver_id')
    .whereIn('p.campaign_id', ids)
    .orderBy('p.id')
    .select<{ campaign_id: number; username: string; level: string; at: Date }[]>(
      'p.campaign_id',
      'a.username',
      'p.level',
      'p.at',
    );
  const leads = new Map(counts.map((c) => [c.campaign_id, c.n]));
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    status: r.status,
    purpose: r.purpose,
    dialMode: r.dial_mode,
    leads: leads.get(r.id) ?? 0,
    approvals: approvals
      .filter((a) => a.campaign_id === r.id)
      .map((a) => ({ by: a.username, level: a.level, at: a.at.toISOString() })),
    createdBy: r.creator,
    createdAt: r.created_at.toISOString(),
  }));
}
