import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blacklistEntry, bulkAddResult, dncEntry } from '../../src/http/routes/admin-schemas.js';
import { call, startAdminServer, type AdminServer } from '../support/admin-server.js';

describe('admin API: DNC and blacklist (real Postgres and HTTP)', () => {
  let s: AdminServer;
  let admin: string;
  let sup: string;
  let agent: string;
  const api = (token: string, method: string, path: string, body?: unknown, type?: string) =>
    call(s.url, token, method, path, body, type);
  const actions = async () =>
    (
      await s.t
        .db('audit_log')
        .where({ entity: 'dnc' })
        .orderBy('id')
        .select<{ actor: string; action: string }[]>('actor', 'action')
    ).map((a) => `${a.actor} ${a.action}`);

  beforeAll(async () => {
    s = await startAdminServer('admin-dnc');
    admin = await s.person('ada', 'admin');
    sup = await s.person('sam', 'supervisor');
    agent = await s.person('al', 'agent');
  });
  afterAll(async () => s?.close());

  it('adds a number in any common format as E.164; the same again is no new entry', async () => {
    const r = await api(sup, 'POST', '/api/dnc', {
      phone: '(212) 555-0100',
      type: 'marketing',
      reason: 'asked by letter',
    });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ phone: '+12125550100', type: 'marketing', added: true });
    expect(
      (
        await api(sup, 'POST', '/api/dnc', {
          phone: '+12125550100',
          type: 'marketing',
          reason: 'asked by letter',
        })
      ).json['added'],
    ).toBe(false);
    const bad = await api(sup, 'POST', '/api/dnc', { phone: 'call me maybe' });
    expect(bad.status).toBe(400);
    expect(bad.json['error']).toMatch(/^phone: /);
    expect((await api(agent, 'POST', '/api/dnc', { phone: '+12125550109' })).status).toBe(403);
  });

  it('lists entries (no-store, the read audited) and filters by number prefix', async () => {
    await api(sup, 'POST', '/api/dnc', { phone: '+13125550100', type: 'all', name: 'Zed' });
    const all = await api(sup, 'GET', '/api/dnc');
    expect(all.headers.get('cache-control')).toBe('no-store');
    expect(() => dncEntry.strict().array().parse(all.json)).not.toThrow();
    expect((all.json as unknown as { phone: string }[]).map((e) => e.phone)).toEqual([
      '+13125550100',
      '+12125550100',
    ]);
    const some = await api(sup, 'GET', '/api/dnc?phone=1212');
    expect(some.json).toMatchObject([
      { phone: '+12125550100', type: 'marketing', reason: 'asked by letter', source: 'api', addedBy: 'sam' },
    ]);
    expect(await actions()).toContain('user:sam dnc.list');
  });

  it('exports formula-safe CSV as an attachment, admins only, audited', async () => {
    await api(admin, 'POST', '/api/dnc', {
      phone: '+14155550100',
      reason: '=HYPERLINK("http://evil.example","x")',
      name: '@SUM(A1)',
    });
    expect((await api(sup, 'GET', '/api/dnc/export.csv')).status).toBe(403);
    const r = await api(admin, 'GET', '/api/dnc/export.csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toMatch(
      /^attachment; filename="dnc-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(r.headers.get('cache-control')).toBe('no-store');
    const lines = r.text.trim().split('\n');
    expect(lines[0]).toBe('"phone","type","reason","name","source","added_by","created_at"');
    expect(lines).toHaveLength(4);
    const evil = lines.find((l) => l.startsWith('"+14155550100"')) ?? '';
    expect(evil).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")","'@SUM(A1)","api","ada"`);
    expect(await actions()).toContain('user:ada dnc.export');
  });

  it('bulk adds from a CSV upload: good rows kept, the bad one named by row and field', async () => {
    const csv = 'phone,type,reason\n+16175550100,care,complaint\nnot-a-number,care,x\n+16175550101,,\n';
    const r = await api(sup, 'POST', '/api/dnc/import?type=survey', csv, 'text/csv');
    expect(r.status).toBe(200);
    expect(() => bulkAddResult.strict().parse(r.json)).not.toThrow();
    expect(r.json).toMatchObject({ read: 3, added: 2, rejected: 1, rejects: [{ row: 3, field: 'phone' }] });
    const types = await s.t
      .db('dnc_entries')
      .whereIn('phone_e164', ['+16175550100', '+16175550101'])
      .orderBy('phone_e164')
      .pluck('type');
    expect(types).toEqual(['care', 'survey']);
    const listed = (await api(sup, 'GET', '/api/dnc?phone=1617')).json as unknown as {
      addedBy: string | null;
    }[];
    expect(listed.map((e) => e.addedBy)).toEqual(['sam', 'sam']);
  });

  it('removes a number (admins only), each removal audited with its actor', async () => {
    expect((await api(sup, 'DELETE', '/api/dnc/%2B12125550100')).status).toBe(403);
    expect((await api(admin, 'DELETE', '/api/dnc/%2B12125550100?type=marketing')).json).toEqual({
      phone: '+12125550100',
      removed: 1,
    });
    expect(await actions()).toContain('user:ada dnc.remove');
  });

  it('blacklists a complainer, lists and removes them, all audited', async () => {
    const add = await api(sup, 'POST', '/api/blacklist', {
      phone: '+12125550177',
      reason: 'threatened to sue',
    });
    expect(add.status).toBe(201);
    const listed = (await api(sup, 'GET', '/api/blacklist')).json;
    expect(() => blacklistEntry.strict().array().parse(listed)).not.toThrow();
    expect((await api(sup, 'GET', '/api/blacklist')).json).toMatchObject([
      { phone: '+12125550177', reason: 'threatened to sue', addedBy: 'sam' },
    ]);
    expect((await api(sup, 'POST', '/api/blacklist', { phone: '+12125550178' })).status).toBe(400);
    expect((await api(sup, 'DELETE', '/api/blacklist/%2B12125550177')).status).toBe(403);
    expect((await api(admin, 'DELETE', '/api/blacklist/%2B12125550177')).json).toEqual({
      phone: '+12125550177',
      removed: true,
    });
    expect(await actions()).toEqual(
      expect.arrayContaining([
        'user:sam blacklist.add',
        'user:sam blacklist.list',
        'user:ada blacklist.remove',
      ]),
    );
  });

  it('reading audit rows about DNC numbers is itself audited', async () => {
    const r = await api(admin, 'GET', '/api/audit?entity=dnc&limit=5');
    expect((r.json as unknown as { entity: string }[]).every((row) => row.entity === 'dnc')).toBe(true);
    const [read] = await s.t
      .db('audit_log')
      .where({ action: 'audit.query' })
      .select<{ actor: string; details: { personal: number } }[]>('actor', 'details');
    expect(read).toMatchObject({ actor: 'user:ada', details: { personal: 5 } });
  });
});
