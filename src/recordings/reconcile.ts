import type { Knex } from 'knex';
import { MANIFEST, walk } from './manifest.js';

export interface ReconcileReport {
  /** Sales (a disposition with a sale) whose call has no archived recording. */
  salesWithoutRecording: { callId: string; campaign: string; code: string; at: Date }[];
  /** Answered calls with no archived recording (a sale is one of these too). */
  answeredWithoutRecording: number;
  /** Archive files no recording row names: a recording without a call. */
  filesWithoutCall: string[];
}

/**
 * Order records against recordings, one to one: every sale must have a verified recording, and
 * every archived file must belong to a call. Reads the database and the archive's folder tree;
 * it does not re-hash (that is `verifyArchive`).
 */
export async function reconcileArchive(db: Knex, root: string, since?: Date): Promise<ReconcileReport> {
  const noArchivedRecording = (q: Knex.QueryBuilder): void =>
    void q.whereNotExists(
      db('recordings as r').whereRaw('r.call_id = c.id').andWhere('r.status', 'archived').select(db.raw('1')),
    );
  const sales = await db('dispositions as d')
    .join('calls as c', 'c.id', 'd.call_id')
    .join('campaigns as k', 'k.id', 'c.campaign_id')
    .whereNotNull('d.sale')
    .modify((q) => void (since && q.where('d.created_at', '>=', since)))
    .modify(noArchivedRecording)
    .orderBy('d.created_at')
    .select<{ callId: string; campaign: string; code: string; at: Date }[]>(
      'c.id as callId',
      'k.code as campaign',
      'd.code as code',
      'd.created_at as at',
    );
  const [answered = { n: 0 }] = await db('calls as c')
    .whereNotNull('c.answered_at')
    .modify((q) => void (since && q.where('c.answered_at', '>=', since)))
    .modify(noArchivedRecording)
    .count<{ n: string | number }[]>({ n: '*' });
  const filesWithoutCall: string[] = [];
  let batch: string[] = [];
  const flush = async () => {
    const known = new Set(await db('recordings').whereIn('path', batch).pluck<string[]>('path'));
    filesWithoutCall.push(...batch.filter((p) => !known.has(p)));
    batch = [];
  };
  for await (const file of walk(root)) {
    if (file.endsWith(`/${MANIFEST}`) || file.endsWith('.partial')) continue;
    batch.push(file);
    if (batch.length >= 500) await flush();
  }
  if (batch.length > 0) await flush();
  return { salesWithoutRecording: sales, answeredWithoutRecording: Number(answered.n), filesWithoutCall };
}
