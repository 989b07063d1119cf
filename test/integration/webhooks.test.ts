import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Webhooks } from '../../src/composition/webhooks.js';
import { Command } from 'commander';
import { registerWebhooksCommand } from '../../src/cli/commands/webhooks.js';
import { adminApi } from '../../src/composition/admin-api.js';
import { buildServer } from '../../src/http/server.js';
import { PgDispositionLog } from '../../src/store/dispositions.js';
import { CallRepository } from '../../src/store/repositories/calls.js';
import { addDnc } from '../../src/store/repositories/dnc.js';
import { verifySignature } from '../../src/webhooks/signature.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { engineTestApp } from '../support/engine-app.js';
import { eventually, startWebhookReceiver, type Received } from '../support/webhook-receiver.js';

const SECRET = 'whsec-integration-0123456789';
const ATTEMPTS = 3;
const BACKOFF_MS = 200;

describe('webhooks (real Postgres, Redis and an HTTP receiver on 127.0.0.1)', () => {
  let t: TestDb;
  let app: App;
  let prefix: string;
  let hooks: Webhooks;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  /** What the receiver answers, per DNC phone (the rest: 200). */
  const script = new Map<string, (n: number) => number>();

  const forPhone = (phone: string) => receiver.received.filter((r) => r.json.data['phone'] === phone);
  const deliveries = (eventId: string) =>
    t
      .db('webhook_deliveries')
      .where({ event_id: eventId })
      .orderBy('id')
      .select<{ attempt: number; status_code: number | null; outcome: string; error: string | null }[]>(
        'attempt',
        'status_code',
        'outcome',
        'error',
      );
  const dnc = (phone: string) =>
    addDnc(app.db, { phone, type: 'marketing', source: 'api', actor: 'user:alice' }, app.webhookOutbox);

  beforeAll(async () => {
    t = await createTestDb();
    receiver = await startWebhookReceiver();
    receiver.answerWith((r) => {
      const phone = typeof r.json.data['phone'] === 'string' ? r.json.data['phone'] : '';
      return script.get(phone)?.(forPhone(phone).length) ?? 200;
    });
    const built = engineTestApp(t, 'webhooks', {
      config: {
        webhooks: {
          endpoints: [
            {
              name: 'crm',
              url: receiver.url,
              secret: SECRET,
              events: ['call-ended', 'disposition-saved', 'dnc-added'],
            },
          ],
          attempts: ATTEMPTS,
          backoffMs: BACKOFF_MS,
          timeoutMs: 2000,
          retentionDays: 30,
        },
      },
    });
    app = built.app;
    prefix = built.prefix;
    const started = app.startWebhooks();
    if (!started) throw new Error('webhooks did not start');
    hooks = started;
  });

  afterAll(async () => {
    const redis = new Redis(app.config.redis.url);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await app.close();
    await receiver.close();
    await t.drop();
  });

  it('delivers dnc-added signed; the receiver verifies the signature; the attempt is stored without the secret', async () => {
    await dnc('+12125550101');
    const [r] = await eventually(() =>
      forPhone('+12125550101').length > 0 ? forPhone('+12125550101') : undefined,
    );
    const got = r as Received;
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['dialer-event']).toBe('dnc-added');
    expect(got.headers['dialer-event-id']).toBe(got.json.id);
    expect(got.headers['dialer-delivery-attempt']).toBe('1');
    const check = verifySignature(
      SECRET,
      String(got.headers['dialer-signature']),
      got.body,
      Math.floor(Date.now() / 1000),
    );
    expect(check.ok).toBe(true);
    expect(
      verifySignature(
        'not-the-secret-at-all',
        String(got.headers['dialer-signature']),
        got.body,
        Math.floor(Date.now() / 1000),
      ).ok,
    ).toBe(false);
    expect(got.json).toMatchObject({
      type: 'dnc-added',
      data: { phone: '+12125550101', type: 'marketing', source: 'api', actor: 'user:alice', callId: null },
    });
    const rows = await eventually(async () => {
      const d = await deliveries(got.json.id);
      return d.length > 0 ? d : undefined;
    });
    expect(rows).toEqual([{ attempt: 1, status_code: 200, outcome: 'delivered', error: null }]);
    const stored = JSON.stringify(await t.db('webhook_deliveries').select());
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(String(got.headers['dialer-signature']).split('v1=')[1]);
  });

  it('the same number and type again is no new event', async () => {
    await dnc('+12125550101');
    await hooks.relay.idle();
    expect(
      await t
        .db('webhook_events')
        .where({ type: 'dnc-added' })
        .whereRaw(`data->>'phone' = ?`, ['+12125550101'])
        .count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
  });

  it('retries after a 500, with backoff, and the same event id', async () => {
    script.set('+12125550102', (n) => (n === 1 ? 500 : 200));
    await dnc('+12125550102');
    const got = await eventually(() =>
      forPhone('+12125550102').length >= 2 ? forPhone('+12125550102') : undefined,
    );
    const [first, second] = got as [Received, Received];
    expect(second.json.id).toBe(first.json.id);
    expect(second.body).toBe(first.body);
    expect([first.headers['dialer-delivery-attempt'], second.headers['dialer-delivery-attempt']]).toEqual([
      '1',
      '2',
    ]);
    // BullMQ's exponential backoff: at least the base delay (less 20 % jitter) between attempts.
    expect(second.at - first.at).toBeGreaterThanOrEqual(BACKOFF_MS * 0.8);
    const rows = await eventually(async () => {
      const d = await deliveries(first.json.id);
      return d.length === 2 ? d : undefined;
    });
    expect(rows).toEqual([
      { attempt: 1, status_code: 500, outcome: 'retrying', error: 'HTTP 500' },
      { attempt: 2, status_code: 200, outcome: 'delivered', error: null },
    ]);
  });

  it(`gives up after ${ATTEMPTS} attempts, keeps a dead letter, and a replay delivers once the receiver is fixed`, async () => {
    script.set('+12125550103', () => 503);
    await dnc('+12125550103');
    const eventId = (await eventually(() => forPhone('+12125550103')[0]))?.json.id ?? '';
    const dead = await eventually(() =>
      t.db('webhook_dead_letters').where({ event_id: eventId }).first<Record<string, unknown> | undefined>(),
    );
    expect(dead).toMatchObject({
      endpoint: 'crm',
      event_type: 'dnc-added',
      attempts: ATTEMPTS,
      last_error: 'HTTP 503',
    });
    expect((await deliveries(eventId)).map((d) => d.outcome)).toEqual(['retrying', 'retrying', 'dead']);
    expect(forPhone('+12125550103')).toHaveLength(ATTEMPTS);
    script.set('+12125550103', () => 200);
    await hooks.relay.replay(eventId, 'dnc-added', 'crm');
    await eventually(async () =>
      (await deliveries(eventId)).at(-1)?.outcome === 'delivered' ? true : undefined,
    );
    expect(forPhone('+12125550103')).toHaveLength(ATTEMPTS + 1);
  });

  it('a 400 is final: one attempt, then the dead letter', async () => {
    script.set('+12125550104', () => 400);
    await dnc('+12125550104');
    const eventId = (await eventually(() => forPhone('+12125550104')[0]))?.json.id ?? '';
    await eventually(() =>
      t.db('webhook_dead_letters').where({ event_id: eventId }).first<Record<string, unknown> | undefined>(),
    );
    expect(await deliveries(eventId)).toEqual([
      { attempt: 1, status_code: 400, outcome: 'dead', error: 'HTTP 400' },
    ]);
  });

  it('a call end and its disposition (with "do not call me") are call-ended, disposition-saved and dnc-added', async () => {
    const [agent] = await t
      .db('agents')
      .insert({ username: 'webhook-agent', display_name: 'W' })
      .returning<{ id: number }[]>('id');
    const [c] = await t
      .db('campaigns')
      .insert({ code: 'wh', name: 'WH', purpose: 'marketing' })
      .returning<{ id: number }[]>('id');
    const [lead] = await t
      .db('leads')
      .insert({
        campaign_id: c?.id,
        phone_e164: '+12125550199',
        timezone: 'America/New_York',
        status: 'done',
        attempts: 1,
      })
      .returning<{ id: number }[]>('id');
    const callId = `c${c?.id}-l${lead?.id}-a1`;
    const calls = new CallRepository(app.db, undefined, undefined, app.webhookOutbox);
    await calls.reserve({
      id: callId,
      campaign_id: c?.id ?? 0,
      lead_id: lead?.id ?? 0,
      attempt: 1,
      phone_e164: '+12125550199',
      trunk: 't',
      pbx_node: 'lab',
      agent_id: agent?.id,
    });
    const answered = new Date('2026-12-01T15:00:00Z');
    await calls.update(callId, {
      answered_at: answered,
      ended_at: new Date(answered.getTime() + 42_000),
      outcome: 'answered',
    });
    await new PgDispositionLog(app.db, app.webhookOutbox).submit(
      callId,
      agent?.id ?? 0,
      { code: 'do-not-call', dncRequested: true },
      new Date('2026-12-01T15:01:00Z'),
    );
    const byType = (type: string) =>
      receiver.received.find((r) => r.json.type === type && JSON.stringify(r.json.data).includes(callId));
    const ended = await eventually(() => byType('call-ended'));
    expect(ended.json).toMatchObject({
      id: `call-ended.${callId}`,
      occurredAt: '2026-12-01T15:00:42.000Z',
      data: {
        callId,
        campaignCode: 'wh',
        phone: '+12125550199',
        outcome: 'answered',
        talkSec: 42,
        agent: 'webhook-agent',
      },
    });
    const saved = await eventually(() => byType('disposition-saved'));
    expect(saved.json.data).toMatchObject({
      callId,
      code: 'do-not-call',
      dncRequested: true,
      agent: 'webhook-agent',
    });
    const added = await eventually(() => byType('dnc-added'));
    expect(added.json.data).toMatchObject({ phone: '+12125550199', source: 'agent', callId });
  });

  it('prunes delivered events past the retention, keeping those with an open dead letter', async () => {
    await hooks.relay.idle();
    const open = await t.db('webhook_dead_letters').whereNull('replayed_at').pluck<string[]>('event_id');
    expect(open.length).toBeGreaterThan(0);
    const before = Number((await t.db('webhook_events').count({ n: '*' }).first())?.n);
    const pruned = await hooks.relay.prune(Date.now() + 31 * 86_400_000);
    const left = await t.db('webhook_events').pluck<string[]>('id');
    expect(pruned).toBe(before - left.length);
    expect(pruned).toBeGreaterThan(0);
    expect(left.sort()).toEqual([...new Set(open)].sort());
  });

  it('a number added through the API (POST /api/dnc) is a dnc-added event naming the person', async () => {
    const registry = app.engines();
    const admin = adminApi(app, registry);
    const server = buildServer({
      logger: app.logger,
      registry,
      authenticate: (k) =>
        k === 'token-ops'
          ? { kind: 'user', actor: 'user:ops', role: 'admin', username: 'ops', campaigns: [] }
          : undefined,
      admin,
      ready: () => Promise.resolve([]),
      webRoot: false,
    });
    try {
      const res = await server.inject({
        method: 'POST',
        url: '/api/dnc',
        headers: { authorization: 'Bearer token-ops' },
        payload: { phone: '(212) 555-0188', type: 'survey' },
      });
      expect(res.statusCode).toBe(201);
      const got = await eventually(() => forPhone('+12125550188')[0]);
      expect(got.json.data).toMatchObject({
        phone: '+12125550188',
        type: 'survey',
        source: 'api',
        actor: 'user:ops',
      });
      expect(
        verifySignature(
          SECRET,
          String(got.headers['dialer-signature']),
          got.body,
          Math.floor(Date.now() / 1000),
        ).ok,
      ).toBe(true);
    } finally {
      await server.close();
      await admin.close();
    }
  });

  it('`dialer webhooks dead` lists a dead letter and `webhooks replay` delivers it once fixed', async () => {
    const eventId = forPhone('+12125550104')[0]?.json.id ?? '';
    const out: string[] = [];
    const log = console.log;
    console.log = (line: string) => void out.push(line);
    try {
      const cli = () => {
        const program = new Command().exitOverride();
        registerWebhooksCommand(program, () => Promise.resolve(app));
        return program;
      };
      await cli().parseAsync(['node', 'dialer', 'webhooks', 'dead']);
      expect(out.join('\n')).toContain(`${eventId} → crm: 1 attempt(s), last: HTTP 400`);
      script.set('+12125550104', () => 200);
      await cli().parseAsync(['node', 'dialer', 'webhooks', 'replay', eventId, 'crm']);
    } finally {
      console.log = log;
    }
    await eventually(async () =>
      (await deliveries(eventId)).at(-1)?.outcome === 'delivered' ? true : undefined,
    );
    const letter = await t
      .db('webhook_dead_letters')
      .where({ event_id: eventId })
      .first<{ replayed_at: Date | null }>();
    expect(letter?.replayed_at).toBeInstanceOf(Date);
  });
});
