import type { Knex } from 'knex';

/** One audit row: who (`user:alice`, `key:crm`, `cli:root`, `system`), did what, to which entity, with details. */
export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId?: string | number | null;
  details?: Record<string, unknown>;
}

/** Writes an audit row (inside the caller's transaction when given one). */
export async function writeAudit(db: Knex | Knex.Transaction, e: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    actor: e.actor,
    action: e.action,
    entity: e.entity,
    entity_id: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
    details: e.details ?? {},
  });
}

/** The same as writeAudit (the admin routes' name for it). */
export const recordAudit = writeAudit;

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  actor?: string;
  /** An action, or a prefix ending in `.` (`campaign.`). */
  action?: string;
  since?: Date;
  until?: Date;
  /** Rows with a smaller id only (the next page: the last id seen). */
  before?: number;
  limit: number;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  details: Record<string, unknown>;
}

/** The audit log, newest first, filtered. */
export async function queryAudit(db: Knex, q: AuditQuery): Promise<AuditRow[]> {
  const sql = db('audit_log').orderBy('id', 'desc').limit(q.limit);
  if (q.entity) sql.where({ entity: q.entity });
  if (q.entityId) sql.where({ entity_id: q.entityId });
  if (q.actor) sql.where({ actor: q.actor });
  if (q.action?.endsWith('.')) sql.whereLike('action', `${q.action.replace(/[%_\\]/g, '\\$&')}%`);
  else if (q.action) sql.where({ action: q.action });
  if (q.since) sql.where('at', '>=', q.since);
  if (q.until) sql.where('at', '<', q.until);
  if (q.before) sql.where('id', '<', q.before);
  const rows = await sql.select<
    {
      id: number;
      at: Date;
      actor: string;
      action: string;
      entity: string;
      entity_id: string | null;
      details: Record<string, unknown>;
    }[]
  >('id', 'at', 'actor', 'action', 'entity', 'entity_id', 'details');
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    details: r.details,
  }));
}
