import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { AccountError } from '../../accounts/errors.js';
import type { Principal, Role } from '../../http/principal.js';
import { writeAudit } from '../audit.js';
import { sha256Hex } from './sessions.js';

export interface ApiKeyView {
  name: string;
  role: Role;
  owner: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface KeyRow {
  id: number;
  name: string;
  role: Role;
  owner: string | null;
  owner_active: boolean | null;
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  campaigns: (number | string)[] | null;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const TOUCH_EVERY_MS = 60_000;

/**
 * API keys for integrations, in Postgres: 256 random bits shown once, only the sha256 stored.
 * A key with an owner acts as that person (their role and campaigns; an agent key only as that
 * agent) and stops working when the owner is deactivated. Every request looks the key up, so a
 * revoked or expired key is refused on its next request.
 */
export class ApiKeyStore {
  constructor(private readonly db: Knex) {}

  private select() {
    return this.db('api_keys as k')
      .leftJoin('agents as u', 'u.id', 'k.owner_id')
      .select(
        'k.id',
        'k.name',
        'k.role',
        'u.username as owner',
        'u.active as owner_active',
        'k.created_by',
        'k.created_at',
        'k.expires_at',
        'k.revoked_at',
        'k.last_used_at',
        this.db.raw(
          `(select coalesce(array_agg(campaign_id), '{}') from campaign_assignments a where a.user_id = k.owner_id) as campaigns`,
        ),
      );
  }

  async add(
    input: { name: string; role?: Role; owner?: string; expiresAt?: Date },
    actor: string,
  ): Promise<{ key: string; view: ApiKeyView }> {
    if (!NAME.test(input.name)) throw new AccountError('name: letters, digits, . _ - (at most 64)', 400);
    const key = `dk_${randomBytes(32).toString('base64url')}`;
    await this.db.transaction(async (trx) => {
      const owner = input.owner
        ? await trx('agents')
            .where({ username: input.owner })
            .first<{ id: number; role: Role } | undefined>('id', 'role')
        : undefined;
      if (input.owner && !owner) throw new AccountError(`no user "${input.owner}"`, 404);
      const role = input.role ?? owner?.role;
      if (!role) throw new AccountError('give the key a role, or an owner whose role it takes', 400);
      if (owner && role !== owner.role) {
        throw new AccountError(`a key acts as its owner: ${input.owner} is ${owner.role}, not ${role}`, 400);
      }
      if (role === 'agent' && !owner) throw new AccountError('an agent key needs an owner (the agent)', 400);
      if (await trx('api_keys').where({ name: input.name }).first('id')) {
        throw new AccountError(`a key named "${input.name}" exists (revoked keys keep their name)`, 409);
      }
      await trx('api_keys').insert({
        name: input.name,
        sha256: sha256Hex(key),
        role,
        owner_id: owner?.id ?? null,
        created_by: actor,
        expires_at: input.expiresAt ?? null,
      });
      await writeAudit(trx, {
        actor,
        action: 'apikey.add',
        entity: 'apikey',
        entityId: input.name,
        details: { role, owner: input.owner ?? null, expiresAt: input.expiresAt?.toISOString() ?? null },
      });
    });
    const view = (await this.list()).find((k) => k.name === input.name);
    if (!view) throw new Error(`key ${input.name} vanished after insert`);
    return { key, view };
  }

  async list(): Promise<ApiKeyView[]> {
    return ((await this.select().orderBy('k.name')) as KeyRow[]).map(toView);
  }

  async revoke(name: string, actor: string): Promise<ApiKeyView> {
    await this.db.transaction(async (trx) => {
      const k = await trx('api_keys')
        .where({ name })
        .first<{ id: number; revoked_at: Date | null } | undefined>();
      if (!k) throw new AccountError(`no key "${name}"`, 404);
      if (k.revoked_at) return;
      await trx('api_keys').where({ id: k.id }).update({ revoked_at: trx.fn.now(), revoked_by: actor });
      await writeAudit(trx, { actor, action: 'apikey.revoke', entity: 'apikey', entityId: name });
    });
    const view = (await this.list()).find((k) => k.name === name);
    if (!view) throw new AccountError(`no key "${name}"`, 404);
    return view;
  }

  /** The principal of a presented key, or undefined (unknown, revoked, expired, owner deactivated). */
  async resolve(presented: string, now = new Date()): Promise<Principal | undefined> {
    const row = (await this.select().where('k.sha256', sha256Hex(presented)).first()) as KeyRow | undefined;
    if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now)) return undefined;
    if (row.owner !== null && !row.owner_active) return undefined;
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_EVERY_MS) {
      await this.db('api_keys').where({ id: row.id }).update({ last_used_at: now });
    }
    return {
      kind: 'key',
      actor: `key:${row.name}`,
      role: row.role,
      ...(row.owner ? { username: row.owner } : {}),
      campaigns: (row.campaigns ?? []).map(Number),
    };
  }
}

function toView(r: KeyRow): ApiKeyView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    name: r.name,
    role: r.role,
    owner: r.owner,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  };
}
