import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedUser, signIn } from '../support/accounts.js';
import { startAdminConsole, type AdminConsole } from '../support/admin-console.js';

/** The admin routes with real cookie sessions: CSRF, a supervisor's own campaign, approval by session. */
describe('admin API with real sessions (Postgres)', () => {
  let s: AdminConsole;
  beforeAll(async () => {
    s = await startAdminConsole('admin-sessions');
    await seedUser(s.app.accounts, 'sue', 'supervisor');
    await seedUser(s.app.accounts, 'amy', 'admin');
  });
  afterAll(async () => s?.close());

  it('a supervisor creates a campaign, is assigned to it and may open it; the admin approves by session', async () => {
    const sue = await signIn(s.server, 'sue');
    const noCsrf = await s.server.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers: { cookie: sue.cookie },
      payload: { code: 'spring', name: 'Spring', purpose: 'care' },
    });
    expect(noCsrf.statusCode).toBe(403);
    const made = await s.server.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers: sue.headers,
      payload: { code: 'spring', name: 'Spring', purpose: 'care' },
    });
    expect(made.statusCode).toBe(201);
    const id = made.json<{ id: number }>().id;
    expect(await s.app.accounts.assignments.campaignsOf('sue')).toEqual([id]);
    // The session's campaigns are read per request: the new assignment counts at once.
    const got = await s.server.inject({
      method: 'GET',
      url: `/api/campaigns/${id}`,
      headers: { cookie: sue.cookie },
    });
    expect(got.statusCode).toBe(200);
    const own = await s.server.inject({
      method: 'POST',
      url: `/api/campaigns/${id}/approve`,
      headers: sue.headers,
      payload: {},
    });
    expect(own.json()).toEqual({
      error: 'sue created the campaign and cannot approve it; someone else must',
    });
    const amy = await signIn(s.server, 'amy');
    const ok = await s.server.inject({
      method: 'POST',
      url: `/api/campaigns/${id}/approve`,
      headers: amy.headers,
      payload: {},
    });
    expect(ok.json()).toEqual({ complete: true, level: 'simple' });
    const actors = await s.t
      .db('audit_log')
      .whereIn('action', ['campaign.create', 'campaign.approval', 'campaign.approve'])
      .orderBy('id')
      .select<{ actor: string; action: string }[]>('actor', 'action');
    expect(actors.map((a) => `${a.actor} ${a.action}`)).toEqual(
      expect.arrayContaining([
        'user:sue campaign.create',
        'user:amy campaign.approval',
        'user:amy campaign.approve',
      ]),
    );
  });
});
