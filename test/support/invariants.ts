import type { Knex } from 'knex';
import { NOT_STARTED } from '../../src/ports/recordings.js';
import { sha256File } from '../../src/recordings/archiver.js';
import { dialogsAtCarrier, type LabSettings } from './lab.js';

/**
 * The invariants every fault scenario ends with (issue #16). One helper checks them all, so a
 * scenario cannot forget one, and a broken one fails naming itself and the ids involved.
 */
export const INVARIANTS = {
  finalCallRow: 'every originate has exactly one call row with a final outcome',
  verifiedRecording: 'every answered call has exactly one verified recording',
  dialledOnce: 'no lead attempt was dialled twice (counted at the SIPp carrier)',
  attemptSettled: 'no attempt is left claimed (lead status dialling) after the run',
  dispositionKept: 'no disposition the API accepted was lost',
  diallingAgain: 'the engine is dialling again',
} as const;

export type InvariantName = keyof typeof INVARIANTS;

export interface Broken {
  invariant: InvariantName;
  ids: string[];
  detail: string;
}

export class InvariantError extends Error {
  constructor(readonly broken: Broken[]) {
    super(
      broken
        .map(
          (b) =>
            `invariant "${b.invariant}" (${INVARIANTS[b.invariant]}) broken: ${b.detail}: ${b.ids.join(', ')}`,
        )
        .join('\n'),
    );
    this.name = 'InvariantError';
  }
}

/** A disposition the API answered with an id during the scenario. */
export interface AcceptedDisposition {
  id: number;
  callId: string;
  code: string;
}

export interface InvariantScope {
  db: Knex;
  campaignId: number;
  /** The carrier's message log (lab.carrierMessages) and where the scenario's part starts. */
  lab: Pick<LabSettings, 'carrierMessages'>;
  carrierOffset: number;
  dispositions?: AcceptedDisposition[];
  /**
   * A fresh number added to the campaign after the fault: the engine must dial it (a call row
   * originated and its INVITE at the carrier). Omit only where the scenario proves it otherwise.
   */
  probe?: { phone: string; timezone?: string };
  /** How long calls, attempts and recordings may take to settle (default 120 s). */
  settleMs?: number;
}

export interface InvariantSummary {
  calls: number;
  originated: number;
  answered: number;
  recordingsVerified: number;
  /** Answered calls that hung up before their recording could start (marked so, not lost). */
  recordingsNotStarted: number;
  carrierDialogs: number;
  dispositions: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface CallRow {
  id: string;
  phone_e164: string;
  originated_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  outcome: string | null;
}

interface RecordingRow {
  call_id: string;
  status: string;
  path: string | null;
  sha256: string | null;
  failure: string | null;
}

/**
 * Waits for the scenario to settle (probe dialled, no open call rows or claimed leads, every
 * answered call's recording archived), then checks every invariant; throws InvariantError
 * listing each one broken with its ids, or returns what it counted.
 */
export async function checkInvariants(scope: InvariantScope): Promise<InvariantSummary> {
  const deadline = Date.now() + (scope.settleMs ?? 120_000);
  const broken: Broken[] = [];
  if (scope.probe) {
    const probe = await probeDialling(scope, deadline);
    if (probe) broken.push(probe);
  }
  await settle(scope, deadline);
  const calls = await scope.db('calls').where({ campaign_id: scope.campaignId }).select<CallRow[]>('*');
  const recordings = await recordingsOf(scope);
  const dialogs = dialogsAtCarrier(scope.lab as LabSettings, scope.carrierOffset);
  const phones = new Set(calls.map((c) => c.phone_e164));
  const leadPhones = await scope.db('leads').where({ campaign_id: scope.campaignId }).pluck('phone_e164');
  const ours = new Map([...dialogs].filter(([phone]) => new Set(leadPhones).has(phone) || phones.has(phone)));
  broken.push(...finalCallRows(calls, ours));
  const rec = await verifiedRecordings(calls, recordings);
  broken.push(...rec.broken);
  broken.push(...dialledOnce(calls, ours));
  broken.push(...(await settledAttempts(scope)));
  broken.push(...(await keptDispositions(scope)));
  if (broken.length > 0) throw new InvariantError(broken);
  return {
    calls: calls.length,
    originated: calls.filter((c) => c.originated_at).length,
    answered: calls.filter((c) => c.answered_at).length,
    recordingsVerified: rec.verified,
    recordingsNotStarted: rec.notStarted,
    carrierDialogs: [...ours.values()].reduce((n, s) => n + s.size, 0),
    dispositions: scope.dispositions?.length ?? 0,
  };
}

async function probeDialling(scope: InvariantScope, deadline: number): Promise<Broken | undefined> {
  const [lead] = await scope
    .db('leads')
    .insert({
      campaign_id: scope.campaignId,
      phone_e164: scope.probe?.phone,
      timezone: scope.probe?.timezone ?? 'UTC',
    })
    .returning<{ id: number }[]>('id');
  const leadId = lead?.id ?? 0;
  while (Date.now() < deadline) {
    const row: unknown = await scope
      .db('calls')
      .where({ lead_id: leadId })
      .whereNotNull('originated_at')
      .first();
    if (row) return undefined;
    await sleep(500);
  }
  return {
    invariant: 'diallingAgain',
    ids: [`lead ${leadId}`],
    detail: 'the probe lead was never originated',
  };
}

async function settle(scope: InvariantScope, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const open: unknown = await scope
      .db('calls')
      .where({ campaign_id: scope.campaignId })
      .whereNull('ended_at')
      .first();
    const claimed: unknown = await scope
      .db('leads')
      .where({ campaign_id: scope.campaignId, status: 'dialling' })
      .first();
    const unarchived: unknown = await scope
      .db('calls as c')
      .leftJoin('recordings as r', 'r.call_id', 'c.id')
      .where('c.campaign_id', scope.campaignId)
      .whereNotNull('c.answered_at')
      .andWhere(
        (q) =>
          void q
            .whereNull('r.status')
            .orWhereIn('r.status', ['recording', 'finished'])
            .orWhere(
              (f) => void f.where('r.status', 'failed').andWhereNot('r.failure', 'like', `${NOT_STARTED}%`),
            ),
      )
      .first();
    if (!open && !claimed && !unarchived) return;
    await sleep(1_000);
  }
}

function recordingsOf(scope: InvariantScope): Promise<RecordingRow[]> {
  return scope
    .db('recordings as r')
    .join('calls as c', 'c.id', 'r.call_id')
    .where('c.campaign_id', scope.campaignId)
    .select<RecordingRow[]>('r.call_id', 'r.status', 'r.path', 'r.sha256', 'r.failure');
}

function finalCallRows(calls: CallRow[], dialogs: Map<string, Set<string>>): Broken[] {
  const broken: Broken[] = [];
  const open = calls.filter((c) => c.originated_at && (!c.ended_at || !c.outcome)).map((c) => c.id);
  if (open.length > 0)
    broken.push({
      invariant: 'finalCallRow',
      ids: open,
      detail: 'originated call rows without an end and outcome',
    });
  const originated = new Set(calls.filter((c) => c.originated_at).map((c) => c.phone_e164));
  const rowless = [...dialogs].filter(([phone]) => !originated.has(phone));
  if (rowless.length > 0)
    broken.push({
      invariant: 'finalCallRow',
      ids: rowless.map(([phone, ids]) => `${phone} (Call-ID ${[...ids].join(' ')})`),
      detail: 'the carrier got INVITEs for numbers with no originated call row',
    });
  return broken;
}

async function verifiedRecordings(
  calls: CallRow[],
  recordings: RecordingRow[],
): Promise<{ broken: Broken[]; verified: number; notStarted: number }> {
  const missing: string[] = [];
  const unverified: string[] = [];
  let verified = 0;
  let notStarted = 0;
  for (const call of calls.filter((c) => c.answered_at)) {
    const mine = recordings.filter((r) => r.call_id === call.id);
    const archived = mine.filter((r) => r.status === 'archived');
    if (archived.length === 0 && mine.length === 1 && mine[0]?.failure?.startsWith(NOT_STARTED)) {
      notStarted += 1;
      continue;
    }
    if (archived.length !== 1 || mine.length !== 1) {
      missing.push(`${call.id} (${mine.map((r) => r.status).join('+') || 'no recording'})`);
      continue;
    }
    const [r] = archived;
    const sum = r?.path ? await sha256File(r.path).catch(() => 'unreadable') : 'no path';
    if (sum !== r?.sha256) unverified.push(`${call.id} (${r?.path ?? 'no path'}: ${sum})`);
    else verified += 1;
  }
  const broken: Broken[] = [];
  if (missing.length > 0)
    broken.push({
      invariant: 'verifiedRecording',
      ids: missing,
      detail: 'answered calls without exactly one archived recording',
    });
  if (unverified.length > 0)
    broken.push({
      invariant: 'verifiedRecording',
      ids: unverified,
      detail: 'archived recordings whose sha256 does not match',
    });
  return { broken, verified, notStarted };
}

function dialledOnce(calls: CallRow[], dialogs: Map<string, Set<string>>): Broken[] {
  const attempts = new Map<string, number>();
  for (const c of calls)
    if (c.originated_at) attempts.set(c.phone_e164, (attempts.get(c.phone_e164) ?? 0) + 1);
  const doubled = [...dialogs]
    .filter(([phone, ids]) => ids.size > (attempts.get(phone) ?? 0))
    .map(([phone, ids]) => `${phone}: ${ids.size} dialogs for ${attempts.get(phone) ?? 0} attempt(s)`);
  return doubled.length > 0
    ? [
        {
          invariant: 'dialledOnce',
          ids: doubled,
          detail: 'numbers the carrier saw more dialogs for than attempts',
        },
      ]
    : [];
}

async function settledAttempts(scope: InvariantScope): Promise<Broken[]> {
  const stuck = await scope
    .db('leads')
    .where({ campaign_id: scope.campaignId, status: 'dialling' })
    .pluck<number[]>('id');
  return stuck.length > 0
    ? [{ invariant: 'attemptSettled', ids: stuck.map((id) => `lead ${id}`), detail: 'leads still claimed' }]
    : [];
}

async function keptDispositions(scope: InvariantScope): Promise<Broken[]> {
  const lost: string[] = [];
  for (const d of scope.dispositions ?? []) {
    const rows = await scope
      .db('dispositions')
      .where({ call_id: d.callId })
      .select<{ id: number; code: string }[]>('id', 'code');
    if (rows.length !== 1 || Number(rows[0]?.id) !== d.id || rows[0]?.code !== d.code)
      lost.push(`${d.callId} (disposition ${d.id} ${d.code}: ${rows.length} row(s) stored)`);
  }
  return lost.length > 0
    ? [{ invariant: 'dispositionKept', ids: lost, detail: 'accepted dispositions not stored exactly once' }]
    : [];
}
