import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  approveCampaign,
  changeStatus,
  createCampaign,
  getCampaign,
} from '../../src/store/repositories/campaigns.js';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
let ids: number[];
beforeAll(async () => {
  t = await createTestDb();
  ids = (
    await t
      .db('agents')
      .insert(['ann', 'bob', 'cat'].map((u) => ({ username: u, display_name: u, role: 'supervisor' })))
      .returning<{ id: number }[]>('id')
  ).map((r) => r.id);
});
afterAll(async () => t?.drop());

it('a large list needs two distinct approvers (not the creator), then a trial sample, then the whole list', async () => {
  const [ann, bob, cat] = ids as [number, number, number];
  const c = await createCampaign(
    t.db,
    { code: 'big', name: 'Big', purpose: 'survey', trialSampleSize: 3 },
    ann,
  );
  await t.db('leads').insert(
    Array.from({ length: 10 }, (_, i) => ({
      campaign_id: c.id,
      phone_e164: `+1212555${1000 + i}`,
      timezone: 'America/New_York',
    })),
  );
  await expect(changeStatus(t.db, c.id, 'start-trial', 'user:ann')).rejects.toThrow(
    'cannot start-trial a campaign that is draft',
  );
  await expect(approveCampaign(t.db, c.id, ann, { threshold: 10 })).rejects.toThrow(
    'ann created the campaign and cannot approve it',
  );
  expect(await approveCampaign(t.db, c.id, bob, { threshold: 10 })).toEqual({
    complete: false,
    level: 'formal',
    missing: 1,
  });
  await expect(approveCampaign(t.db, c.id, bob, { threshold: 10 })).rejects.toThrow(
    'bob has already approved; a second approver must be someone else',
  );
  expect((await getCampaign(t.db, c.id)).status).toBe('draft');
  expect(await approveCampaign(t.db, c.id, cat, { threshold: 10 })).toEqual({
    complete: true,
    level: 'formal',
  });
  expect(await changeStatus(t.db, c.id, 'start-trial', 'user:cat')).toBe('trial');
  expect(
    await t.db('leads').where({ campaign_id: c.id, trial_sample: true }).count({ n: '*' }).first(),
  ).toEqual({ n: 3 });
  expect(await changeStatus(t.db, c.id, 'activate', 'user:cat')).toBe('active');
  expect(await changeStatus(t.db, c.id, 'pause', 'user:cat')).toBe('paused');
  expect(await changeStatus(t.db, c.id, 'resume', 'user:cat')).toBe('active');
  expect(await changeStatus(t.db, c.id, 'complete', 'user:cat')).toBe('completed');
  const audit = await t
    .db('audit_log')
    .where({ entity: 'campaign', entity_id: String(c.id) })
    .orderBy('id')
    .select<{ actor: string; action: string }[]>('actor', 'action');
  // Every change with the real actor (issue #11: steps were logged as `system`, create not at all).
  expect(audit.map((a) => `${a.actor} ${a.action}`)).toEqual([
    'user:ann campaign.create',
    'user:bob campaign.approval',
    'user:cat campaign.approval',
    'user:cat campaign.approve',
    'user:cat campaign.start-trial',
    'user:cat campaign.activate',
    'user:cat campaign.pause',
    'user:cat campaign.resume',
    'user:cat campaign.complete',
  ]);
});

it('a small list needs one approver; bad settings name the field', async () => {
  const c = await createCampaign(t.db, { code: 'small', name: 'Small', purpose: 'care' });
  expect(await approveCampaign(t.db, c.id, ids[0]!, { threshold: 10 })).toEqual({
    complete: true,
    level: 'simple',
  });
  await expect(
    createCampaign(t.db, {
      code: 'bad',
      name: 'Bad',
      purpose: 'care',
      window: { start: '22:00', end: '09:00' },
    }),
  ).rejects.toThrow('window.end: start must be before end');
});

it('a second campaign with a code in use is refused by name, not with the SQL insert', async () => {
  const first = await createCampaign(t.db, { code: 'twice', name: 'First', purpose: 'survey' });
  const again = createCampaign(t.db, { code: 'twice', name: 'Second', purpose: 'survey' });
  await expect(again).rejects.toThrow(
    `code: a campaign with code "twice" already exists (#${first.id}, draft, "First"); give the new one another code`,
  );
  await expect(again).rejects.not.toThrow(/insert into/i);
  // Two creators at once: one row, and the other gets the same message.
  const both = await Promise.allSettled(
    ['a', 'b'].map((n) => createCampaign(t.db, { code: 'race', name: n, purpose: 'survey' })),
  );
  expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const lost = both.find((r) => r.status === 'rejected');
  expect(String(lost?.reason)).toMatch(/a campaign with code "race" already exists/);
});
