import type { Knex } from 'knex';

/** One lead to insert into a campaign (import, demo). */
export interface NewLead {
  phone: string;
  timezone: string;
  timezoneSource: string;
  name: string | null;
  attributes: Record<string, unknown>;
}

/** Outcome counts of one batch insert. */
export interface BatchResult {
  inserted: number;
  /** Duplicates of a row earlier in the same file (same batch or an earlier one). */
  mergedInFile: number;
  /** Numbers the campaign already had from an earlier list. */
  mergedExisting: number;
}

/** Folds duplicate numbers inside one batch into the first occurrence (its values win). */
function dedupe(rows: NewLead[]): { unique: NewLead[]; dups: number } {
  const byPhone = new Map<string, NewLead>();
  for (const r of rows) {
    const first = byPhone.get(r.phone);
    if (first) first.attributes = { ...r.attributes, ...first.attributes };
    else byPhone.set(r.phone, r);
  }
  return { unique: [...byPhone.values()], dups: rows.length - byPhone.size };
}

/**
 * Inserts a batch of new leads (status `new`) with one statement (rows as one jsonb parameter,
 * so 2,000 rows are one round-trip and one bind). A number the campaign already has is merged:
 * the existing lead keeps its values and gains attribute keys it lacked; its status and history
 * are untouched.
 */
export async function insertLeadBatch(
  db: Knex,
  campaignId: number,
  listId: number | null,
  rows: NewLead[],
): Promise<BatchResult> {
  if (rows.length === 0) return { inserted: 0, mergedInFile: 0, mergedExisting: 0 };
  const { unique, dups } = dedupe(rows);
  const payload = JSON.stringify(
    unique.map((r) => ({
      p: r.phone,
      tz: r.timezone,
      src: r.timezoneSource,
      nm: r.name,
      attr: r.attributes,
    })),
  );
  const { rows: out } = await db.raw<{ rows: { inserted: boolean; list_id: number | null }[] }>(
    `insert into leads (campaign_id, list_id, phone_e164, timezone, timezone_source, name, attributes)
     select :campaignId, :listId, r.p, r.tz, r.src, r.nm, r.attr
       from jsonb_to_recordset(:payload::jsonb) as r(p text, tz text, src text, nm text, attr jsonb)
     on conflict (campaign_id, phone_e164) do update
        set attributes = excluded.attributes || leads.attributes, updated_at = now()
     returning (xmax = 0) as inserted, list_id`,
    { campaignId, listId, payload },
  );
  let inserted = 0;
  let mergedInFile = dups;
  let mergedExisting = 0;
  for (const r of out) {
    if (r.inserted) inserted += 1;
    else if (r.list_id === listId) mergedInFile += 1;
    else mergedExisting += 1;
  }
  return { inserted, mergedInFile, mergedExisting };
}

/** Starting a campaign's trial: a random sample of its fresh leads is the only part dialled. */
export async function markTrialSample(db: Knex, campaignId: number, size: number): Promise<void> {
  await db.raw(
    `update leads set trial_sample = true where id in (
       select id from leads where campaign_id = ? and status = 'new' order by random() limit ?)`,
    [campaignId, size],
  );
}
