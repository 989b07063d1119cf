import type { Knex } from 'knex';
import { DNC_TYPES, type DncType } from '../../domain/campaign/purpose.js';
import { normalisePhone } from '../../domain/lead/phone.js';
import type { DncAddedData } from '../../webhooks/events.js';
import type { PgWebhookOutbox } from '../webhook-outbox.js';

/** One do-not-disturb (免打扰) entry to add. */
export interface DncInput {
  phone: string;
  type: DncType;
  reason?: string | null;
  /** Where the request came from: `call`, `import`, `cli`, `api`, `complaint`… */
  source: string;
  name?: string | null;
  /** Agent who recorded it (agents.id). */
  addedBy?: number | null;
  /** Who did it, for the audit log (username or `cli:<user>`). */
  actor: string;
  callId?: string | null;
  expiresAt?: Date | null;
}

/** A bad DNC value; `code` is the stable reject code (`bad-number`, `bad-type`, …). */
export class DncInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly code = 'bad-value',
  ) {
    super(`${field}: ${message}`);
    this.name = 'DncInputError';
  }
}

export function parseDncType(raw: string): DncType {
  const t = raw.trim().toLowerCase();
  if ((DNC_TYPES as readonly string[]).includes(t)) return t as DncType;
  throw new DncInputError('type', `"${raw}" is not one of ${DNC_TYPES.join(', ')}`, 'bad-type');
}

export function toE164(raw: string, defaultRegion: string): string {
  const p = normalisePhone(raw, defaultRegion);
  if (!p.ok) throw new DncInputError('phone', `"${raw}": ${p.reason}`, 'bad-number');
  return p.e164;
}

/**
 * Adds (or refreshes) an entry; the same number and type twice keeps one row with the latest
 * reason. Takes effect at once: the gate reads `dnc_entries` before every originate. A new
 * entry is a `dnc-added` webhook event when `outbox` is given (stored in the same `db`, so in
 * the caller's transaction). Returns whether the entry is new.
 */
export async function addDnc(db: Knex, e: DncInput, outbox?: PgWebhookOutbox): Promise<boolean> {
  const [row] = await db('dnc_entries')
    .insert({
      phone_e164: e.phone,
      type: e.type,
      reason: e.reason ?? null,
      source: e.source,
      name: e.name ?? null,
      added_by: e.addedBy ?? null,
      call_id: e.callId ?? null,
      expires_at: e.expiresAt ?? null,
    })
    .onConflict(['phone_e164', 'type'])
    .merge(['reason', 'source', 'name', 'added_by', 'call_id', 'expires_at'])
    .returning<{ inserted: boolean }[]>(db.raw('(xmax = 0) as inserted'));
  const inserted = row?.inserted ?? false;
  await audit(db, e.actor, 'dnc.add', e.phone, { type: e.type, reason: e.reason, source: e.source });
  if (inserted) await recordDncAdded(db, e, outbox);
  return inserted;
}

/** The `dnc-added` webhook event of a new entry (nothing when no endpoint listens). */
export async function recordDncAdded(
  db: Knex,
  e: Pick<DncInput, 'phone' | 'type' | 'source' | 'reason' | 'actor' | 'callId'>,
  outbox?: PgWebhookOutbox,
): Promise<void> {
  if (!outbox?.wants('dnc-added')) return;
  const data: DncAddedData = {
    phone: e.phone,
    type: e.type,
    source: e.source,
    reason: e.reason ?? null,
    actor: e.actor,
    callId: e.callId ?? null,
  };
  await outbox.record('dnc-added', data, { trx: db });
}

/**
 * An agent records "do not call me" during a call: the number comes from the call row, so the
 * agent cannot mistype it. The engine calls this from the disposition step.
 */
export async function addDncFromCall(
  db: Knex,
  r: { callId: string; agentId: number; type: DncType; reason?: string; actor?: string },
  outbox?: PgWebhookOutbox,
): Promise<string> {
  const call = await db('calls')
    .where({ id: r.callId })
    .first<{ phone_e164: string } | undefined>('phone_e164');
  if (!call) throw new DncInputError('callId', `no call "${r.callId}"`, 'unknown-call');
  await addDnc(
    db,
    {
      phone: call.phone_e164,
      type: r.type,
      reason: r.reason ?? 'customer asked not to be called',
      source: 'call',
      addedBy: r.agentId,
      actor: r.actor ?? `agent:${r.agentId}`,
      callId: r.callId,
    },
    outbox,
  );
  return call.phone_e164;
}

/** Removes entries for a number (one type, or all types); returns how many were removed. */
export async function removeDnc(db: Knex, phone: string, actor: string, type?: DncType): Promise<number> {
  const q = db('dnc_entries').where({ phone_e164: phone });
  if (type) q.andWhere({ type });
  const n = await q.delete();
  await audit(db, actor, 'dnc.remove', phone, { type: type ?? 'any', removed: n });
  return n;
}

/** DNC types on file for a number (expired entries ignored). */
export async function dncTypesFor(db: Knex, phone: string, now = new Date()): Promise<DncType[]> {
  const rows = await db('dnc_entries')
    .where({ phone_e164: phone })
    .andWhere((q) => void q.whereNull('expires_at').orWhere('expires_at', '>', now))
    .select<{ type: DncType }[]>('type');
  return rows.map((r) => r.type);
}

/** Adds a serious complainer to the blacklist, which excludes the number from every campaign. */
export interface BlacklistInput {
  phone: string;
  reason: string;
  actor: string;
  complaintId?: number;
  addedBy?: number;
  name?: string;
}

export async function addToBlacklist(db: Knex, b: BlacklistInput): Promise<void> {
  await db('blacklist')
    .insert({
      phone_e164: b.phone,
      reason: b.reason,
      complaint_id: b.complaintId ?? null,
      added_by: b.addedBy ?? null,
      name: b.name ?? null,
    })
    .onConflict('phone_e164')
    .merge(['reason', 'complaint_id']);
  await audit(db, b.actor, 'blacklist.add', b.phone, { reason: b.reason, complaintId: b.complaintId });
}

async function audit(db: Knex, actor: string, action: string, id: string, details: object): Promise<void> {
  await db('audit_log').insert({ actor, action, entity: 'dnc', entity_id: id, details });
}
