import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvalResult,
  auditRow,
  campaignDetail,
  campaignSummary,
  importStatus,
  stepResult,
} from '../../src/http/routes/admin-schemas.js';
import { call, startAdminServer, type AdminServer } from '../support/admin-server.js';
import { eventually } from '../support/webhook-receiver.js';

/** Three good rows and one bad one (a formula where the phone should be). */
const LIST = [
  'phone,first_name,last_name',
  '+12125550101,Ann,Lee',
  '+12125550102,Bob,Ray',
  '=HYPERLINK("http://evil.example/x"),Eve,Bad',
  '+12125550103,Cat,Day',
].join('\n');

describe('admin API: campaigns, list upload, approval, lifecycle, audit (real Postgres and HTTP)', () => {
  let s: AdminServer;
  let alice: string;
  let bob: string;
  let carol: string;
  let dave: string;
  let id: number;
  const api = (token: string, method: string, path: string, body?: unknown, type?: string) =>
    call(s.url, token, method, path, body, type);

  beforeAll(async () => {
    // Lists of 3 or more need the formal, two-person approval here.
    s = await startAdminServer('admin-campaigns', { approvalThreshold: 3 });
    alice = await s.person('alice', 'admin');
    bob = await s.person('bob', 'admin');
    carol = await s.person('carol', 'supervisor');
  });
  afterAll(async () => s?.close());

  it('creates a campaign from the console form, audited as the signed-in admin', async () => {
    const r = await api(alice, 'POST', '/api/campaigns', {
      code: 'spring',
      name: 'Spring care',
      purpose: 'care',
      profile: 'us',
      dialMode: 'progressive',
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      code: 'spring',
      status: 'draft',
      leads: 0,
      approvals: [],
      createdBy: 'alice',
    });
    id = Number(r.json['id']);
    // What the API document says (src/http/routes/admin-schemas.ts) is what the handlers answer.
    expect(() => campaignSummary.strict().parse(r.json)).not.toThrow();
    const got = await api(alice, 'GET', `/api/campaigns/${id}`);
    expect(() => campaignDetail.strict().parse(got.json)).not.toThrow();
    expect(got.json).toMatchObject({ code: 'spring', rules: { purpose: 'care', profile: 'us' } });
  });

  it('creates from YAML; bad input is a 400 naming the field; a taken code is a 409', async () => {
    const yaml = 'code: summer\nname: Summer survey\npurpose: survey\ndialMode: preview\n';
    const made = await api(alice, 'POST', '/api/campaigns', yaml, 'application/yaml');
    expect(made.text).toContain('summer');
    expect(made.status).toBe(201);
    const bad = await api(alice, 'POST', '/api/campaigns', { code: 'x', name: 'X', purpose: 'spam' });
    expect(bad.status).toBe(400);
    expect(bad.json['error']).toMatch(/purpose/);
    const broken = await api(alice, 'POST', '/api/campaigns', 'code: [unclosed', 'application/yaml');
    expect(broken.status).toBe(400);
    expect(broken.json['error']).toMatch(/not valid YAML/);
    const again = await api(alice, 'POST', '/api/campaigns', yaml, 'application/yaml');
    expect(again.status).toBe(409);
  });

  it('lists every campaign for admins and only assigned ones for a supervisor', async () => {
    expect((await api(alice, 'GET', '/api/campaigns')).json.map((c) => (c as { code: string }).code)).toEqual(
      ['summer', 'spring'],
    );
    dave = await s.person('dave', 'supervisor', [id]);
    expect((await api(dave, 'GET', '/api/campaigns')).json.map((c) => (c as { code: string }).code)).toEqual([
      'spring',
    ]);
    expect((await api(carol, 'GET', `/api/campaigns/${id}`)).status).toBe(403);
  });

  it('uploads a list with a bad row: progress, summary, rejects (formula-safe CSV, no-store), watched only by the uploader and admins', async () => {
    const up = await fetch(`${s.url}/api/campaigns/${id}/lists`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${dave}`,
        'content-type': 'application/octet-stream',
        'x-file-name': 'spring%20list.csv',
      },
      body: LIST,
    });
    expect(up.status).toBe(202);
    const { importId } = (await up.json()) as { importId: string };
    const done = await eventually(async () => {
      const r = await api(dave, 'GET', `/api/imports/${importId}`);
      return r.json['phase'] === 'importing' ? undefined : r;
    });
    expect(done.headers.get('cache-control')).toBe('no-store');
    expect(() => importStatus.strict().parse(done.json)).not.toThrow();
    expect(done.json).toMatchObject({
      phase: 'done',
      fileName: 'spring list.csv',
      totalBytes: Buffer.byteLength(LIST),
      summary: { imported: 3, rejected: 1 },
    });
    const rejects = done.json['rejects'] as { row: number; field: string; reason: string }[];
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ row: 4, field: 'phone' });
    expect(rejects[0]?.reason).not.toBe('');
    const csv = await api(dave, 'GET', `/api/imports/${importId}/rejects.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="spring_list.rejects.csv"');
    expect(csv.headers.get('cache-control')).toBe('no-store');
    expect(csv.text.split('\n')[0]).toBe('"row","field","code","message","raw"');
    // The raw row is one cell that starts with `'`: a spreadsheet shows the formula as text.
    expect(csv.text).toMatch(/,"'=HYPERLINK\(""http:\/\/evil\.example\/x""\),Eve,Bad"\n$/);
    expect((await api(carol, 'GET', `/api/imports/${importId}`)).status).toBe(404);
    expect((await api(alice, 'GET', `/api/imports/${importId}`)).status).toBe(200);
    expect((await api(alice, 'GET', `/api/campaigns/${id}`)).json['leads']).toBe(3);
  });

  it('approves with two distinct people at the formal threshold; refusals name usernames', async () => {
    const own = await api(alice, 'POST', `/api/campaigns/${id}/approve`, {});
    expect(own.status).toBe(409);
    expect(own.json['error']).toBe('alice created the campaign and cannot approve it; someone else must');
    const key = s.key('crm', 'admin');
    expect((await api(key, 'POST', `/api/campaigns/${id}/approve`, {})).status).toBe(403);
    expect((await api(bob, 'POST', `/api/campaigns/${id}/approve`, { note: 'list checked' })).json).toEqual({
      complete: false,
      level: 'formal',
      missing: 1,
    });
    const twice = await api(bob, 'POST', `/api/campaigns/${id}/approve`, {});
    expect(twice.json['error']).toBe('bob has already approved; a second approver must be someone else');
    expect((await api(carol, 'POST', `/api/campaigns/${id}/approve`, {})).status).toBe(403);
    const last = await api(dave, 'POST', `/api/campaigns/${id}/approve`, {});
    expect(last.json).toEqual({ complete: true, level: 'formal' });
    expect(() => approvalResult.strict().parse(last.json)).not.toThrow();
    const c = await api(alice, 'GET', `/api/campaigns/${id}`);
    expect(c.json['status']).toBe('approved');
    const list = (await api(alice, 'GET', '/api/campaigns')).json;
    expect(() => campaignSummary.strict().array().parse(list)).not.toThrow();
    expect((c.json['approvals'] as { by: string }[]).map((a) => a.by)).toEqual(['bob', 'dave']);
  });

  it('takes lifecycle steps; an illegal one is a 409; a completed campaign takes no list', async () => {
    expect((await api(dave, 'POST', `/api/campaigns/${id}/activate`)).status).toBe(409);
    const trial = await api(dave, 'POST', `/api/campaigns/${id}/start-trial`);
    expect(trial.json).toMatchObject({ status: 'trial' });
    expect(() => stepResult.strict().parse(trial.json)).not.toThrow();
    expect((await api(dave, 'POST', `/api/campaigns/${id}/pause`)).json).toEqual({
      status: 'paused',
      dialling: false,
    });
    expect((await api(alice, 'POST', `/api/campaigns/${id}/complete`)).json).toEqual({
      status: 'completed',
      dialling: false,
    });
    const late = await api(
      alice,
      'POST',
      `/api/campaigns/${id}/lists`,
      'phone\n+12125550199\n',
      'application/octet-stream',
    );
    expect(late.status).toBe(409);
  });

  it('the audit log shows every change with the real actor, for admins only', async () => {
    const r = await api(alice, 'GET', `/api/audit?entity=campaign&entityId=${id}&limit=50`);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(() => auditRow.strict().array().parse(r.json)).not.toThrow();
    const rows = (r.json as unknown as { actor: string; action: string }[])
      .map((a) => `${a.actor} ${a.action}`)
      .reverse();
    expect(rows).toEqual([
      'user:alice campaign.create',
      'user:dave list.import',
      'user:dave list.rejects.download',
      'user:bob campaign.approval',
      'user:dave campaign.approval',
      'user:dave campaign.approve',
      'user:dave campaign.start-trial',
      'user:dave campaign.pause',
      'user:alice campaign.complete',
    ]);
    expect((await api(dave, 'GET', '/api/audit')).status).toBe(403);
    // Campaign rows hold no personal data: reading them writes no audit row of its own.
    expect(await api(alice, 'GET', '/api/audit?action=audit.')).toMatchObject({ json: [] });
  });
});
