import type { Knex } from 'knex';
import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../../src/accounts/accounts.js';
import type { Role } from '../../src/http/principal.js';

export const TEST_PASSWORD = 'correct horse battery';

/** Creates a user with TEST_PASSWORD (and a SIP endpoint for agents), assigned to `campaigns`. */
export async function seedUser(
  accounts: Accounts,
  username: string,
  role: Role,
  campaigns: (number | string)[] = [],
): Promise<void> {
  await accounts.users.create(
    {
      username,
      role,
      password: TEST_PASSWORD,
      ...(role === 'agent' ? { sipEndpoint: `PJSIP/${username}` } : {}),
    },
    'test:seed',
  );
  for (const c of campaigns) await accounts.assignments.assign(username, String(c), 'test:seed');
}

export interface TestSession {
  cookie: string;
  csrf: string;
  /** Headers for a state-changing request of this session. */
  headers: Record<string, string>;
}

/** Signs in through POST /api/session; returns the cookie and the CSRF token. */
export async function signIn(
  server: FastifyInstance,
  username: string,
  password = TEST_PASSWORD,
): Promise<TestSession> {
  const r = await server.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
  if (r.statusCode !== 200) throw new Error(`sign-in of ${username}: ${r.statusCode} ${r.body}`);
  const set = r.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  const cookie = (first ?? '').split(';')[0] ?? '';
  const csrf = r.json<{ csrfToken: string }>().csrfToken;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

/** Assigns every agent (role agent) to the campaign: agents log in only to their campaigns. */
export async function assignAllAgents(db: Knex, campaignId: number): Promise<void> {
  await db.raw(
    `insert into campaign_assignments (user_id, campaign_id, assigned_by)
     select id, ?, 'test' from agents where role = 'agent' on conflict do nothing`,
    [campaignId],
  );
}
