import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/load.js';
import { runPbxChecks } from '../../src/diagnosis/pbx-check/run-checks.js';
import type { CheckLine } from '../../src/diagnosis/pbx-check/report.js';
import { formatReport } from '../../src/diagnosis/pbx-check/report.js';
import { createLogger } from '../../src/logger.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { labSettings } from '../support/lab.js';

/**
 * `dialer pbx check` against the real lab Asterisk: healthy, then broken in six ways an admin
 * meets on a first day — each through the dialer's own configuration or data, so the shared lab
 * itself is never changed: wrong ARI password, nothing listening, HTTP up but ARI off, a trunk
 * endpoint that is not defined, an agent's softphone endpoint that is not defined, a sound file
 * that is missing.
 */
describe('dialer pbx check on the lab', () => {
  let t: TestDb;
  let base: Config;
  let notAri: Server;
  const logger = createLogger({ level: 'silent', name: 'pbx-check' });

  beforeAll(async () => {
    t = await createTestDb();
    base = loadConfig({ env: {}, implicitFile: false });
    await t.db('agents').insert({ username: 'agent1', display_name: 'A1', sip_endpoint: 'PJSIP/agent1' });
    // Asterisk's HTTP server with ARI disabled answers 404 under /ari.
    notAri = createServer((_req, res) => res.writeHead(404).end('Not Found'));
    await new Promise<void>((r) => notAri.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise((r) => notAri?.close(r));
    await t?.drop();
  });

  const withAri = (over: Partial<{ url: string; password: string }>): Config => {
    const node = base.pbx.nodes[0];
    if (!node?.ari) throw new Error('the lab defaults have an ARI node');
    return { ...base, pbx: { nodes: [{ ...node, ari: { ...node.ari, ...over } }] } };
  };
  const byCheck = (lines: CheckLine[]) => Object.fromEntries(lines.map((l) => [l.check, l]));

  it('passes every check on the healthy lab', async () => {
    const lines = await runPbxChecks(base, t.db, logger);
    const text = formatReport(lines);
    expect(
      lines.filter((l) => l.status !== 'ok'),
      text,
    ).toEqual([]);
    expect(Object.keys(byCheck(lines))).toEqual([
      'ari',
      'stasis',
      'modules',
      'dialplan',
      'trunk lab-carrier',
      'agent agent1',
      'sound sound:custom/dialer-id-message',
      'recording',
    ]);
    expect(text).toMatch(/all 8 checks passed$/);
  });

  it('a wrong ARI password: 401, the ari.conf fix, the rest skipped', async () => {
    const lines = await runPbxChecks(withAri({ password: 'not-the-password' }), t.db, logger);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ check: 'ari', status: 'fail' });
    expect(lines[0]?.detail).toContain('refused user "dialer" (401: wrong user or password)');
    expect(lines[0]?.fix).toContain('ari.conf: [dialer] type=user, read_only=no, password = the contents of');
    expect(lines[1]).toMatchObject({ check: 'other checks', status: 'skipped' });
  });

  it('nothing listening: cannot reach, with the http.conf fix', async () => {
    const lines = await runPbxChecks(withAri({ url: 'http://127.0.0.1:2' }), t.db, logger);
    expect(lines[0]?.detail).toBe('cannot reach http://127.0.0.1:2/ari: ECONNREFUSED');
    expect(lines[0]?.fix).toContain('http.conf: enabled=yes');
  });

  it('HTTP up but ARI off: 404, the res_ari fix', async () => {
    const port = (notAri.address() as AddressInfo).port;
    const lines = await runPbxChecks(withAri({ url: `http://127.0.0.1:${port}` }), t.db, logger);
    expect(lines[0]?.detail).toMatch(/HTTP server answers but ARI is off \(404/);
    expect(lines[0]?.fix).toContain('ari.conf [general] enabled=yes');
  });

  it('a trunk, an agent and a sound that the PBX does not have: each named with its fix', async () => {
    const cfg: Config = {
      ...base,
      trunks: [{ ...base.trunks[0]!, name: 'carrier-b', dial: 'PJSIP/{number}@no-such-carrier' }],
    };
    await t
      .db('agents')
      .insert({ username: 'newbie', display_name: 'N', sip_endpoint: 'PJSIP/no-such-phone' });
    await t.db('campaigns').insert({
      code: 'sounds',
      name: 'Sounds',
      purpose: 'care',
      dial_mode: 'predictive',
      settings: { engine: { idMessage: 'sound:custom/no-such-id-message' } },
    });
    const c = byCheck(await runPbxChecks(cfg, t.db, logger));
    expect(c['trunk carrier-b']).toMatchObject({
      status: 'fail',
      detail: 'endpoint PJSIP/no-such-carrier is not defined',
    });
    expect(c['trunk carrier-b']?.fix).toContain('pjsip_dialer.example.conf');
    expect(c['agent newbie']).toMatchObject({
      status: 'fail',
      detail: 'endpoint PJSIP/no-such-phone is not defined',
    });
    expect(c['agent agent1']?.status).toBe('ok');
    expect(c['sound sound:custom/no-such-id-message']).toMatchObject({
      status: 'fail',
      detail: 'the file is missing (its playback failed at once)',
    });
    expect(c['sound sound:custom/no-such-id-message']?.fix).toContain(
      '/usr/local/share/asterisk/sounds/no-such-id-message.wav',
    );
    expect(c['sound sound:custom/dialer-id-message']?.status).toBe('ok');
    expect(c['recording']?.status).toBe('ok');
  });

  const overAmi = (secret?: string): Config => {
    const { ari: _ari, ...node } = base.pbx.nodes[0]!;
    const ami = { ...labSettings().ami, ...(secret ? { secret } : {}) };
    return { ...base, pbx: { nodes: [{ ...node, driver: 'ami', ami }] } };
  };

  it('an AMI node: the login, its contexts and endpoints; a wrong secret named with the manager.conf fix', async () => {
    const c = byCheck(await runPbxChecks(overAmi(), t.db, logger));
    expect(c['ami']?.status).toBe('ok');
    expect(c['dialplan']).toMatchObject({ status: 'ok' });
    expect(c['trunk lab-carrier']?.status).toBe('ok');
    expect(c['agent agent1']?.status).toBe('ok');
    const bad = await runPbxChecks(overAmi('not-the-secret'), t.db, logger);
    expect(bad[0]).toMatchObject({ check: 'ami', status: 'fail' });
    expect(bad[0]?.detail).toContain('AMI login refused');
    expect(bad[0]?.fix).toContain('manager.conf: [');
  });

  it('the lab settings it checks are the lab the tests use', () => {
    expect(base.pbx.nodes[0]?.ari?.url).toBe(labSettings().ari.url);
  });
});
