import type { Knex } from 'knex';

/** One audit row: who (`user:alice`, `key:crm`, `system`), did what, to which entity, with details. */
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
