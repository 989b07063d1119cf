import type { Knex } from 'knex';
import {
  approvalState,
  checkApprover,
  transition,
  type ApprovalState,
  type CampaignAction,
  type CampaignStatus,
} from '../../domain/campaign/lifecycle.js';
import {
  parseCampaignRules,
  type CampaignRules,
  parseCampaignInput,
} from '../../domain/campaign/settings.js';
import type { CampaignCatalog, CampaignRow } from '../../ports/campaigns.js';
import { markTrialSample } from '../lead-ledger/index.js';

/** The campaign columns this module reads. */
export interface CampaignRecord {
  id: number;
  code: string;
  name: string;
  status: CampaignStatus;
  purpose: string;
  dial_mode: string;
  max_attempts: number;
  abandon_target: number;
  settings: Record<string, unknown>;
  created_by: number | null;
}

/** Keys of `settings` that hold campaign rules (others, e.g. `engine`, belong to other modules). */
const RULE_KEYS = [
  'profile',
  'window',
  'holidays',
  'dispositions',
  'retry',
  'maxAttemptsPerDay',
  'frequencyCapDays',
  'calleeLimits',
  'abandonBlockHours',
  'trialSampleSize',
  'secondConfirmation',
] as const;

/** Rules of a stored campaign: columns plus the rule keys of `settings`, profile defaults applied. */
export function rulesOf(
  row: Pick<CampaignRecord, 'purpose' | 'dial_mode' | 'max_attempts' | 'abandon_target' | 'settings'>,
): CampaignRules {
  const stored: Record<string, unknown> = {};
  for (const k of RULE_KEYS) if (row.settings[k] !== undefined) stored[k] = row.settings[k];
  return parseCampaignRules({
    ...stored,
    purpose: row.purpose,
    dialMode: row.dial_mode,
    maxAttempts: row.max_attempts,
    abandonTarget: Number(row.abandon_target),
  });
}

export async function findCampaign(db: Knex, idOrCode: string | number): Promise<CampaignRecord | undefined> {
  const q = db('campaigns');
  if (typeof idOrCode === 'number' || /^\d+$/.test(idOrCode)) {
    // Ids beyond bigint (or JavaScript's safe integers, which ids stay far below) name no campaign.
    const id = Number(idOrCode);
    if (!Number.isSafeInteger(id)) return undefined;
    q.where({ id });
  } else q.where({ code: idOrCode });
  return (await q.first()) as CampaignRecord | undefined;
}

/** The campaigns as the engine looks them up. */
export class PgCampaignCatalog implements CampaignCatalog {
  constructor(private readonly db: Knex) {}

  async find(idOrCode: number | string): Promise<CampaignRow | undefined> {
    return (await findCampaign(this.db, idOrCode)) as CampaignRow | undefined;
  }
}

export async function getCampaign(db: Knex, idOrCode: string | number): Promise<CampaignRecord> {
  const c = await findCampaign(db, idOrCode);
  if (!c) throw new Error(`no campaign "${idOrCode}"`);
  return c;
}

/**
 * Validates and stores a new campaign in `draft`, with its `campaign.create` audit row naming
 * `actor` (`user:alice`, `cli:root`; default the creator's username, else `system`).
 */
export async function createCampaign(
  db: Knex,
  raw: unknown,
  createdBy?: number,
  actor?: string,
): Promise<CampaignRecord> {
  const c = parseCampaignInput(raw);
  const settings: Record<string, unknown> = {};
  for (const k of RULE_KEYS) if (c[k] !== undefined) settings[k] = c[k];
  // Validated (and defaults filled in) here, once; the engine reads it from settings.survey.
  if (c.survey !== undefined) settings['survey'] = c.survey;
  if (c.engine) settings['engine'] = c.engine;
  const existing = await findCampaign(db, c.code);
  if (existing) throw duplicateCode(existing);
  const [row] = (await db('campaigns')
    .insert({
      code: c.code,
      name: c.name,
      purpose: c.purpose,
      dial_mode: c.dialMode,
      script: c.script ?? null,
      caller_id_number: c.callerId ?? null,
      caller_id_name: c.callerIdName ?? null,
      abandon_target: c.abandonTarget ?? 0.03,
      max_attempts: c.maxAttempts,
      settings,
      created_by: createdBy ?? null,
    })
    .returning('*')
    .catch(async (err: unknown) => {
      // Created by someone else between the look-up and the insert.
      const other = isUniqueViolation(err) ? await findCampaign(db, c.code) : undefined;
      throw other ? duplicateCode(other) : err;
    })) as CampaignRecord[];
  if (!row) throw new Error('campaign insert returned nothing');
  const creator = createdBy === undefined ? undefined : (await usernames(db, [createdBy])).get(createdBy);
  await db('audit_log').insert({
    actor: actor ?? (creator ? `user:${creator}` : 'system'),
    action: 'campaign.create',
    entity: 'campaign',
    entity_id: String(row.id),
    details: {
      code: row.code,
      name: row.name,
      purpose: row.purpose,
      dialMode: row.dial_mode,
      createdBy: creator ?? null,
    },
  });
  return row;
}

/** A campaign code that is taken; the message names the campaign that has it. */
export class DuplicateCampaignCodeError extends Error {
  override readonly name = 'DuplicateCampaignCodeError';
}

function duplicateCode(c: CampaignRecord): Error {
  return new DuplicateCampaignCodeError(
    `code: a campaign with code "${c.code}" already exists (#${c.id}, ${c.status}, "${c.name}"); give the new one another code`,
  );
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

async function listSize(db: Knex, campaignId: number): Promise<number> {
  const r = (await db('leads').where({ campaign_id: campaignId }).count({ n: '*' }).first()) as
    { n: number } | undefined;
  return Number(r?.n ?? 0);
}

/**
 * Records one approval; the campaign moves to `approved` once enough distinct approvers have
 * signed for its list size (formal approval at `threshold` numbers or more).
 */
export async function approveCampaign(
  db: Knex,
  campaignId: number,
  approverId: number,
  /** `actor`: who the audit log names (`user:alice`, `cli:root`); default the approver's username. */
  options: { threshold?: number; note?: string; actor?: string } = {},
): Promise<ApprovalState> {
  return db.transaction(async (trx) => {
    const c = (await trx('campaigns').where({ id: campaignId }).forUpdate().first()) as
      CampaignRecord | undefined;
    if (!c) throw new Error(`no campaign ${campaignId}`);
    transition(c.status, 'approve');
    const approvals = await trx('campaign_approvals')
      .where({ campaign_id: campaignId })
      .select<{ approver_id: number }[]>('approver_id');
    const prior = approvals.map((a) => ({ approverId: a.approver_id }));
    const names = await usernames(trx, [approverId, ...(c.created_by === null ? [] : [c.created_by])]);
    const nameOf = (id: number) => names.get(id) ?? `user #${id}`;
    checkApprover(approverId, prior, c.created_by, nameOf);
    const actor = options.actor ?? `user:${nameOf(approverId)}`;
    const size = await listSize(trx, campaignId);
    const state = approvalState(size, [...prior, { approverId }], {
      threshold: options.threshold,
      createdBy: c.created_by,
    });
    await trx('campaign_approvals').insert({
      campaign_id: campaignId,
      approver_id: approverId,
      level: state.level,
      note: options.note ?? null,
    });
    await trx('audit_log').insert({
      actor,
      action: 'campaign.approval',
      entity: 'campaign',
      entity_id: String(c.id),
      details: { approver: nameOf(approverId), level: state.level, complete: state.complete, listSize: size },
    });
    if (state.complete) await setStatus(trx, c, 'approve', actor);
    return state;
  });
}

async function usernames(db: Knex, ids: number[]): Promise<Map<number, string>> {
  const rows = await db('agents')
    .whereIn('id', ids)
    .select<{ id: number; username: string }[]>('id', 'username');
  return new Map(rows.map((r) => [r.id, r.username]));
}

async function setStatus(
  db: Knex,
  c: CampaignRecord,
  action: CampaignAction,
  actor: string,
): Promise<CampaignStatus> {
  const to = transition(c.status, action);
  await db('campaigns').where({ id: c.id }).update({ status: to, updated_at: db.fn.now() });
  await db('audit_log').insert({
    actor,
    action: `campaign.${action}`,
    entity: 'campaign',
    entity_id: String(c.id),
    details: { from: c.status, to },
  });
  return to;
}

/**
 * Moves a campaign through its lifecycle. Starting the trial marks a random sample of
 * `trialSampleSize` leads (`leads.trial_sample`), the only ones dialled until `activate`.
 */
export async function changeStatus(
  db: Knex,
  campaignId: number,
  action: Exclude<CampaignAction, 'approve'>,
  /** Who the audit log names: `user:alice`, `key:crm`, `cli:root`, or `system` for the engine. */
  actor: string,
): Promise<CampaignStatus> {
  return db.transaction(async (trx) => {
    const c = (await trx('campaigns').where({ id: campaignId }).forUpdate().first()) as
      CampaignRecord | undefined;
    if (!c) throw new Error(`no campaign ${campaignId}`);
    const to = await setStatus(trx, c, action, actor);
    if (action === 'start-trial') {
      await markTrialSample(trx, campaignId, rulesOf(c).trialSampleSize);
    }
    return to;
  });
}
