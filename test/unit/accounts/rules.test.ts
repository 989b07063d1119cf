import { describe, expect, it } from 'vitest';
import { decide, access, type Access } from '../../../src/http/access.js';
import type { Principal, Role } from '../../../src/http/principal.js';
import { agentLoginRefusal, type AgentLoginFacts } from '../../../src/domain/accounts/agent-login.js';
import { sessionState } from '../../../src/accounts/session-rules.js';
import { LoginLimiter } from '../../../src/accounts/login-limiter.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../../src/accounts/password.js';
import { parseExpiry } from '../../../src/cli/commands/cli-format.js';

const who = (role: Role, username = 'u', campaigns: number[] = []): Principal => ({
  kind: 'user',
  actor: `user:${username}`,
  role,
  username,
  campaigns,
});

describe('decide (the one authorisation rule)', () => {
  const cases: [string, Access, Principal | undefined, string | undefined, object, number | 'allow'][] = [
    ['public, nobody', access.public(), undefined, undefined, {}, 'allow'],
    ['signed-in, nobody', access.signedIn(), undefined, undefined, {}, 401],
    ['signed-in, an agent', access.signedIn(), who('agent'), undefined, {}, 'allow'],
    ['roles, listed', access.roles('admin'), who('admin'), undefined, {}, 'allow'],
    ['roles, not listed', access.roles('admin'), who('supervisor'), undefined, {}, 403],
    [
      'campaign, admin, unassigned',
      access.campaign('id', 'admin', 'supervisor'),
      who('admin'),
      '7',
      { campaignId: 7 },
      'allow',
    ],
    ['campaign, admin, no such campaign', access.campaign('id', 'admin'), who('admin'), 'x', {}, 'allow'],
    [
      'campaign, supervisor, own',
      access.campaign('id', 'supervisor'),
      who('supervisor', 's', [7]),
      '7',
      { campaignId: 7 },
      'allow',
    ],
    [
      'campaign, supervisor, other',
      access.campaign('id', 'supervisor'),
      who('supervisor', 's', [8]),
      '7',
      { campaignId: 7 },
      403,
    ],
    [
      'campaign, supervisor, unknown',
      access.campaign('id', 'supervisor'),
      who('supervisor', 's', [7]),
      'x',
      {},
      403,
    ],
    [
      'campaign, role not listed',
      access.campaign('id', 'supervisor'),
      who('qa', 'q', [7]),
      '7',
      { campaignId: 7 },
      403,
    ],
    ['agent, themself', access.agent('username', 'supervisor'), who('agent', 'a1'), 'a1', {}, 'allow'],
    ['agent, another agent', access.agent('username', 'supervisor'), who('agent', 'a2'), 'a1', {}, 403],
    [
      'agent, supervisor sharing a campaign',
      access.agent('username', 'supervisor'),
      who('supervisor', 's', [3]),
      'a1',
      { agentCampaigns: [2, 3] },
      'allow',
    ],
    [
      'agent, supervisor of other campaigns',
      access.agent('username', 'supervisor'),
      who('supervisor', 's', [4]),
      'a1',
      { agentCampaigns: [2, 3] },
      403,
    ],
    ['agent, admin', access.agent('username', 'admin'), who('admin'), 'a1', { agentCampaigns: [] }, 'allow'],
    [
      'agent, qa not listed',
      access.agent('username', 'supervisor'),
      who('qa', 'q', [3]),
      'a1',
      { agentCampaigns: [3] },
      403,
    ],
  ];
  it.each(cases)('%s', (_name, rule, p, param, facts, expected) => {
    const d = decide(rule, p, param, facts);
    expect(d.allow ? 'allow' : d.status).toBe(expected);
  });
});

describe('agentLoginRefusal', () => {
  const base: AgentLoginFacts = {
    agent: { username: 'a1', active: true, role: 'agent', campaigns: [5] },
    campaign: { id: 5, code: 'care', status: 'active' },
  };
  const cases: [string, Partial<AgentLoginFacts>, RegExp | undefined][] = [
    ['assigned, active campaign', {}, undefined],
    ['paused campaign', { campaign: { id: 5, code: 'care', status: 'paused' } }, undefined],
    ['again to the same campaign', { current: { id: 5, code: 'care' } }, undefined],
    ['deactivated', { agent: { ...base.agent, active: false } }, /a1 is deactivated/],
    [
      'a supervisor account',
      { agent: { ...base.agent, role: 'supervisor' } },
      /is a supervisor, not an agent/,
    ],
    ['not assigned', { agent: { ...base.agent, campaigns: [6] } }, /not assigned to campaign care \(5\)/],
    ['a draft', { campaign: { id: 5, code: 'care', status: 'draft' } }, /care \(5\) is draft/],
    ['completed', { campaign: { id: 5, code: 'care', status: 'completed' } }, /is completed/],
    [
      'logged in elsewhere',
      { current: { id: 9, code: 'sales' } },
      /logged in to campaign sales \(9\): log out of it first/,
    ],
  ];
  it.each(cases)('%s', (_name, over, expected) => {
    const r = agentLoginRefusal({ ...base, ...over });
    if (expected) expect(r?.error).toMatch(expected);
    else expect(r).toBeUndefined();
  });
  it('says 409 for a campaign conflict and 403 for the account', () => {
    expect(agentLoginRefusal({ ...base, current: { id: 9, code: 's' } })?.status).toBe(409);
    expect(agentLoginRefusal({ ...base, agent: { ...base.agent, active: false } })?.status).toBe(403);
  });
});

describe('sessionState', () => {
  const at = (s: number) => new Date(s * 1000);
  it.each([
    ['live', { last_seen_at: at(100), expires_at: at(1000), ended_at: null }, 200, 'live'],
    ['idle', { last_seen_at: at(100), expires_at: at(1000), ended_at: null }, 400, 'idle'],
    ['expired', { last_seen_at: at(990), expires_at: at(1000), ended_at: null }, 1000, 'expired'],
    ['ended', { last_seen_at: at(100), expires_at: at(1000), ended_at: at(150) }, 200, 'ended'],
  ] as const)('%s', (_n, s, now, expected) => {
    expect(sessionState(s, now * 1000, 300_000)).toBe(expected);
  });
});

describe('LoginLimiter', () => {
  it('allows max tries per window per username and address, then says how long to wait', () => {
    const l = new LoginLimiter({ max: 3, perAddress: 100, windowMs: 60_000 });
    expect([0, 1, 2].map((i) => l.attempt('Tom', '1.1.1.1', i * 1000))).toEqual([0, 0, 0]);
    expect(l.attempt('tom', '1.1.1.1', 10_000)).toBe(50);
    expect(l.attempt('tom', '2.2.2.2', 10_000)).toBe(0);
    expect(l.attempt('ann', '1.1.1.1', 10_000)).toBe(0);
    expect(l.attempt('tom', '1.1.1.1', 60_001)).toBe(0); // the first try left the window
  });
  it('limits one address over all usernames (password spraying)', () => {
    const l = new LoginLimiter({ max: 3, perAddress: 5, windowMs: 60_000 });
    const users = ['a', 'b', 'c', 'd', 'e'].map((u, i) => l.attempt(u, '9.9.9.9', i * 1000));
    expect(users).toEqual([0, 0, 0, 0, 0]);
    expect(l.attempt('f', '9.9.9.9', 5_000)).toBe(55);
    expect(l.attempt('f', '8.8.8.8', 5_000)).toBe(0);
    expect(l.attempt('f', '9.9.9.9', 60_001)).toBe(0);
  });
});

describe('passwords', () => {
  it('hashes with a per-user salt and its cost, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
  it.each([
    ['short', 'alice', /at least 10/],
    ['alice-secret-1', 'alice', /must not contain the username/],
    ['aaaaaaaaaaaa', 'bob', /one character repeated/],
    ['x'.repeat(257), 'bob', /at most 256/],
    ['a long good passphrase', 'bob', undefined],
  ])('%s', (pw, user, expected) => {
    const p = passwordProblem(pw, user);
    if (expected) expect(p).toMatch(expected);
    else expect(p).toBeUndefined();
  });
});

describe('parseExpiry', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('reads durations and dates, refuses the past and nonsense', () => {
    expect(parseExpiry('90d', now).toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(parseExpiry('12h', now).toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(parseExpiry('2027-01-01', now).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(() => parseExpiry('2025-01-01', now)).toThrow(/in the past/);
    expect(() => parseExpiry('soon', now)).toThrow(/expected an ISO date/);
  });
});
