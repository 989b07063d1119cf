import type { Knex } from 'knex';
import type { DncType } from '../domain/campaign/purpose.js';

export interface DncListEntry {
  id: number;
  phone: string;
  type: DncType;
  reason: string | null;
  name: string | null;
  source: string;
  addedBy: string | null;
  callId: string | null;
  createdAt: string;
  expiresAt: string | null;
}

interface DncRowOut {
  id: number;
  phone_e164: string;
  type: DncType;
  reason: string | null;
  name: string | null;
  source: string;
  username: string | null;
  call_id: string | null;
  created_at: Date;
  expires_at: Date | null;
}

/** DNC entries, newest first; `phone` an E.164 prefix (`+1212`); `before` an id for the next page. */
export async function listDnc(
  db: Knex,
  q: { phone?: string; type?: DncType; before?: number; limit: number },
): Promise<DncListEntry[]> {
  const sql = db('dnc_entries as d')
    .leftJoin('agents as a', 'a.id', 'd.added_by')
    .orderBy('d.id', 'desc')
    .limit(q.limit);
  if (q.phone) sql.whereLike('d.phone_e164', `${q.phone}%`);
  if (q.type) sql.where('d.type', q.type);
  if (q.before) sql.where('d.id', '<', q.before);
  const rows = await sql.select<DncRowOut[]>(
    'd.id',
    'd.phone_e164',
    'd.type',
    'd.reason',
    'd.name',
    'd.source',
    'a.username',
    'd.call_id',
    'd.created_at',
    'd.expires_at',
  );
  return rows.map((r) => ({
    id: r.id,
    phone: r.phone_e164,
    type: r.type,
    reason: r.reason,
    name: r.name,
    source: r.source,
    addedBy: r.username,
    callId: r.call_id,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at?.toISOString() ?? null,
  }));
}

export interface BlacklistEntry {
  id: number;
  phone: string;
  reason: string;
  name: string | null;
  complaintId: number | null;
  addedBy: string | null;
  createdAt: string;
}

export async function listBlacklist(
  db: Knex,
  q: { phone?: string; before?: number; limit: number },
): Promise<BlacklistEntry[]> {
  const sql = db('blacklist as b')
    .leftJoin('agents as a', 'a.id', 'b.added_by')
    .orderBy('b.id', 'desc')
    .limit(q.limit);
  if (q.phone) sql.whereLike('b.phone_e164', `${q.phone}%`);
  if (q.before) sql.where('b.id', '<', q.before);
  const rows = await sql.select<
    {
      id: number;
      phone_e164: string;
      reason: string;
      name: string | null;
      complaint_id: number | null;
      username: string | null;
      created_at: Date;
    }[]
  >('b.id', 'b.phone_e164', 'b.reason', 'b.name', 'b.complaint_id', 'a.username', 'b.created_at');
  return rows.map((r) => ({
    id: r.id,
    phone: r.phone_e164,
    reason: r.reason,
    name: r.name,
    complaintId: r.complaint_id,
    addedBy: r.username,
    createdAt: r.created_at.toISOString(),
  }));
}

/** Takes a number off the blacklist (audited); returns whether it was on it. */
export async function removeFromBlacklist(db: Knex, phone: string, actor: string): Promise<boolean> {
  const n = await db('blacklist').where({ phone_e164: phone }).delete();
  await db('audit_log').insert({
    actor,
    action: 'blacklist.remove',
    entity: 'dnc',
    entity_id: phone,
    details: { removed: n },
  });
  return n > 0;
}
