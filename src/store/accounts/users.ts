import type { Knex } from 'knex';
import { AccountError } from '../../accounts/errors.js';
import { hashPassword, passwordProblem } from '../../accounts/password.js';
import type { Role } from '../../http/principal.js';
import { writeAudit } from '../audit.js';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** A user as the API shows it (never the password hash). */
export interface UserView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  locale: Locale;
  sipEndpoint: string | null;
  /** Codes of the campaigns the user is assigned to. */
  campaigns: string[];
  createdAt: string;
  deactivatedAt: string | null;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  active: boolean;
  locale: Locale;
  sip_endpoint: string | null;
  created_at: Date;
  deactivated_at: Date | null;
  campaigns: string[] | null;
}

export interface NewUser {
  username: string;
  displayName?: string;
  role: Role;
  password?: string;
  locale?: Locale;
  sipEndpoint?: string;
}

/** What signing in needs to know about a user. */
export interface Credentials {
  id: number;
  username: string;
  role: Role;
  active: boolean;
  password_hash: string | null;
}

const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * People (the `agents` table: every role) and their campaign assignments. Every change writes
 * an audit row naming the actor, in the same transaction.
 */
export class UserStore {
  constructor(private readonly db: Knex) {}

  private select(db: Knex | Knex.Transaction = this.db) {
    return db('agents as u').select(
      'u.id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.active',
      'u.locale',
      'u.sip_endpoint',
      'u.created_at',
      'u.deactivated_at',
      db.raw(
        `(select coalesce(array_agg(c.code order by c.code), '{}') from campaign_assignments a
           join campaigns c on c.id = a.campaign_id where a.user_id = u.id) as campaigns`,
      ),
    );
  }

  async list(): Promise<UserView[]> {
    return ((await this.select().orderBy('u.username')) as UserRow[]).map(toView);
  }

  async get(username: string, db: Knex | Knex.Transaction = this.db): Promise<UserView | undefined> {
    const row = (await this.select(db).where('u.username', username).first()) as UserRow | undefined;
    return row ? toView(row) : undefined;
  }

  async require(username: string, db: Knex | Knex.Transaction = this.db): Promise<UserView> {
    const u = await this.get(username, db);
    if (!u) throw new AccountError(`no user "${username}"`, 404);
    return u;
  }

  async credentials(username: string): Promise<Credentials | undefined> {
    return this.db('agents')
      .where({ username })
      .first<Credentials | undefined>('id', 'username', 'role', 'active', 'password_hash');
  }

  async create(input: NewUser, actor: string): Promise<UserView> {
    if (!USERNAME.test(input.username)) {
      throw new AccountError('username: letters, digits, . _ - (at most 64)', 400);
    }
    const problem =
      input.password === undefined ? undefined : passwordProblem(input.password, input.username);
    if (problem) throw new AccountError(problem, 400);
    const hash = input.password === undefined ? null : await hashPassword(input.password);
    return this.db.transaction(async (trx) => {
      const taken = await trx('agents')
        .where({ username: input.username })
        .first<{ id: number } | undefined>('id');
      if (taken) throw new AccountError(`username "${input.username}" is taken`, 409);
      const [row] = await trx('agents')
        .insert({
          username: input.username,
          display_name: input.displayName?.trim() || input.username,
          role: input.role,
          locale: input.locale ?? 'en',
          sip_endpoint: input.sipEndpoint ?? null,
          password_hash: hash,
          password_changed_at: hash ? trx.fn.now() : null,
        })
        .returning<{ id: number }[]>('id');
      await writeAudit(trx, {
        actor,
        action: 'user.create',
        entity: 'user',
        entityId: input.username,
        details: { role: input.role, withPassword: hash !== null, id: row?.id },
      });
      return this.require(input.username, trx);
    });
  }

  /** Deactivating ends the user's sessions at once (and their keys stop working: see ApiKeyStore). */
  async setActive(username: string, active: boolean, actor: string): Promise<UserView> {
    return this.db.transaction(async (trx) => {
      const u = await this.require(username, trx);
      if (u.active === active) return u;
      await trx('agents')
        .where({ id: u.id })
        .update({ active, deactivated_at: active ? null : trx.fn.now(), updated_at: trx.fn.now() });
      if (!active) await endSessionsOf(trx, u.id, 'deactivated');
      await writeAudit(trx, {
        actor,
        action: active ? 'user.reactivate' : 'user.deactivate',
        entity: 'user',
        entityId: username,
      });
      return this.require(username, trx);
    });
  }

  /**
   * Sets a new password (own change or an admin's reset); every other session of the user ends.
   * `keepSession`: the session making an own change stays signed in.
   */
  async setPassword(username: string, password: string, actor: string, keepSession?: number): Promise<void> {
    const problem = passwordProblem(password, username);
    if (problem) throw new AccountError(problem, 400);
    const hash = await hashPassword(password);
    await this.db.transaction(async (trx) => {
      const u = await this.require(username, trx);
      await trx('agents')
        .where({ id: u.id })
        .update({ password_hash: hash, password_changed_at: trx.fn.now(), updated_at: trx.fn.now() });
      await endSessionsOf(trx, u.id, 'password changed', keepSession);
      const own = actor === `user:${username}`;
      await writeAudit(trx, {
        actor,
        action: own ? 'user.password-change' : 'user.password-reset',
        entity: 'user',
        entityId: username,
      });
    });
  }

  async setLocale(userId: number, locale: Locale): Promise<void> {
    await this.db('agents').where({ id: userId }).update({ locale, updated_at: this.db.fn.now() });
  }
}

export async function endSessionsOf(
  db: Knex | Knex.Transaction,
  userId: number,
  reason: string,
  except?: number,
): Promise<void> {
  const q = db('user_sessions').where({ user_id: userId }).whereNull('ended_at');
  if (except !== undefined) q.whereNot({ id: except });
  await q.update({ ended_at: db.fn.now(), end_reason: reason });
}

function toView(r: UserRow): UserView {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    active: r.active,
    locale: r.locale,
    sipEndpoint: r.sip_endpoint,
    campaigns: r.campaigns ?? [],
    createdAt: r.created_at.toISOString(),
    deactivatedAt: r.deactivated_at ? r.deactivated_at.toISOString() : null,
  };
}
