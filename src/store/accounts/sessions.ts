import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { sessionState, type SessionTimes } from '../../accounts/session-rules.js';
import type { Principal, Role } from '../../http/principal.js';

export interface SessionOptions {
  /** A session unused this long ends [30 min]. */
  idleMs: number;
  /** A session ends this long after sign-in, used or not [12 h]. */
  absoluteMs: number;
}

interface SessionRow extends SessionTimes {
  id: number;
  user_id: number;
  csrf_token: string;
  username: string;
  role: Role;
  active: boolean;
  locale: string;
  campaigns: (number | string)[];
}

/** How often a session's last use is written (its idle clock is this coarse). */
const TOUCH_EVERY_MS = 30_000;

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * Server-side sessions for people who sign in. The cookie carries a random 256-bit token; only
 * its sha256 is stored, with the session's CSRF token, expiry and last use. Every request reads
 * the session and the user, so a deactivated user or an ended session is refused at once.
 */
export class SessionStore {
  constructor(
    private readonly db: Knex,
    readonly options: SessionOptions,
  ) {}

  async create(
    userId: number,
    client: { ip?: string; userAgent?: string },
    now = new Date(),
  ): Promise<{ id: number; token: string; csrfToken: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.options.absoluteMs);
    const [row] = await this.db('user_sessions')
      .insert({
        user_id: userId,
        token_sha256: sha256Hex(token),
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        ip: client.ip ?? null,
        user_agent: client.userAgent?.slice(0, 300) ?? null,
      })
      .returning<{ id: number }[]>('id');
    if (!row) throw new Error('session insert returned nothing');
    return { id: row.id, token, csrfToken, expiresAt };
  }

  /** The principal of a live session's token, or undefined (unknown, ended, expired, idle, deactivated). */
  async resolve(token: string, now = new Date()): Promise<Principal | undefined> {
    const row = await this.db('user_sessions as s')
      .join('agents as u', 'u.id', 's.user_id')
      .where('s.token_sha256', sha256Hex(token))
      .select(
        's.id',
        's.user_id',
        's.csrf_token',
        's.last_seen_at',
        's.expires_at',
        's.ended_at',
        'u.username',
        'u.role',
        'u.active',
        'u.locale',
        this.db.raw(
          `(select coalesce(array_agg(campaign_id), '{}') from campaign_assignments a where a.user_id = u.id) as campaigns`,
        ),
      )
      .first<SessionRow | undefined>();
    if (!row || !row.active) return undefined;
    const state = sessionState(row, now.getTime(), this.options.idleMs);
    if (state !== 'live') {
      if (state !== 'ended') await this.end(row.id, state);
      return undefined;
    }
    if (now.getTime() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
      await this.db('user_sessions').where({ id: row.id }).update({ last_seen_at: now });
    }
    return {
      kind: 'user',
      actor: `user:${row.username}`,
      role: row.role,
      username: row.username,
      userId: row.user_id,
      campaigns: row.campaigns.map(Number),
      locale: row.locale,
      session: { id: row.id, csrfToken: row.csrf_token },
    };
  }

  async end(id: number, reason: string): Promise<void> {
    await this.db('user_sessions')
      .where({ id })
      .whereNull('ended_at')
      .update({ ended_at: this.db.fn.now(), end_reason: reason });
  }
}
