import type { FastifyReply } from 'fastify';
import type { Knex } from 'knex';
import type { EngineRegistry } from '../../engine/registry.js';
import type { ListUploads } from '../../import/list-uploads.js';
import { recordAudit } from '../../store/audit.js';
import type { PgWebhookOutbox } from '../../store/webhook-outbox.js';
import type { EventHub } from '../event-hub.js';
import { HttpError } from '../errors.js';
import type { Principal } from '../principal.js';

/** What the admin pages' routes (campaigns, lists, audit, DNC) are built from. */
export interface AdminDeps {
  db: Knex;
  registry: EngineRegistry;
  /** compliance.approvalThreshold: lists this size and over need two distinct approvers. */
  approvalThreshold: number;
  defaultRegion: string;
  uploads: ListUploads;
  hub: EventHub;
  /** Webhook events (`dnc-added`). */
  outbox?: PgWebhookOutbox;
  /**
   * Assigns a new campaign to the scoped user who created it (a supervisor sees only assigned
   * campaigns, so without this they could not open what they just made).
   */
  assignCreator?: (creator: { username: string; actor: string }, campaignId: number) => Promise<void>;
}

/** The principal of a route that is not public (the router has checked it). */
export function who(principal: Principal | undefined): Principal {
  if (!principal) throw new HttpError(401, 'sign in or send an API key (Authorization: Bearer …)');
  return principal;
}

/** Personal data must not sit in a browser's or a proxy's cache. */
export const NO_STORE = 'no-store';

/**
 * A list of personal data, read by `principal`: the read is audited (`action`, the filters, how
 * many rows) and the answer is never cached.
 */
export async function sendAuditedList(
  d: AdminDeps,
  reply: FastifyReply,
  principal: Principal | undefined,
  action: string,
  query: Record<string, unknown>,
  rows: readonly unknown[],
): Promise<FastifyReply> {
  await recordAudit(d.db, {
    actor: who(principal).actor,
    action,
    entity: 'dnc',
    details: { ...query, rows: rows.length },
  });
  return reply.header('cache-control', NO_STORE).send(rows);
}
