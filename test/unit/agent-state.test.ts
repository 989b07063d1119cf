import { describe, expect, it } from 'vitest';
import {
  AgentTransitionError,
  nextAgentStatus,
  PAUSE_PHONE_DROPPED,
  type AgentEvent,
  type AgentState,
} from '../../src/domain/agent-state.js';
import { attemptId, parseAttemptId } from '../../src/domain/attempt-id.js';

const ev = (type: AgentEvent['type']): AgentEvent => (type === 'pause' ? { type, code: 'break' } : { type });

describe('agent state machine', () => {
  const allowed: [AgentState, AgentEvent['type'], AgentState][] = [
    ['logged-out', 'login', 'ready'],
    ['ready', 'pause', 'paused'],
    ['paused', 'resume', 'ready'],
    ['ready', 'reserve', 'reserved'],
    ['reserved', 'release', 'ready'],
    ['reserved', 'connect', 'on-call'],
    ['ready', 'connect', 'on-call'],
    ['on-call', 'hangup', 'wrap-up'],
    ['wrap-up', 'disposition', 'ready'],
    ['wrap-up', 'wrap-up-timeout', 'ready'],
    ['wrap-up', 'pause', 'paused'],
    ['on-call', 'leg-dropped', 'paused'],
    ['ready', 'leg-dropped', 'paused'],
    ['on-call', 'logout', 'logged-out'],
    ['paused', 'logout', 'logged-out'],
  ];
  it.each(allowed)('%s --%s--> %s', (from, event, to) => {
    expect(nextAgentStatus({ state: from }, ev(event)).state).toBe(to);
  });

  const refused: [AgentState, AgentEvent['type']][] = [
    ['logged-out', 'reserve'],
    ['logged-out', 'leg-dropped'],
    ['paused', 'reserve'],
    ['reserved', 'reserve'],
    ['on-call', 'reserve'],
    ['wrap-up', 'reserve'],
    ['on-call', 'pause'],
    ['ready', 'hangup'],
    ['ready', 'disposition'],
    ['on-call', 'login'],
  ];
  it.each(refused)('%s refuses %s', (from, event) => {
    expect(() => nextAgentStatus({ state: from }, ev(event))).toThrow(AgentTransitionError);
  });

  it('keeps the pause code, and a dropped leg pauses with its own code', () => {
    expect(nextAgentStatus({ state: 'ready' }, { type: 'pause', code: 'lunch' })).toEqual({
      state: 'paused',
      pauseCode: 'lunch',
    });
    expect(nextAgentStatus({ state: 'on-call' }, { type: 'leg-dropped' }).pauseCode).toBe(
      PAUSE_PHONE_DROPPED,
    );
  });
});

describe('attempt ids', () => {
  it.each([
    [1, 2, 3, 'c1-l2-a3'],
    [12, 345678, 1, 'c12-l345678-a1'],
  ])('campaign %i lead %i attempt %i → %s and back', (c, l, a, id) => {
    expect(attemptId(c, l, a)).toBe(id);
    expect(parseAttemptId(id)).toEqual({ campaignId: c, leadId: l, attempt: a });
  });
  it.each([
    [0, 1, 1],
    [1, -1, 1],
    [1, 1, 1.5],
  ])('refuses %s/%s/%s', (c, l, a) => {
    expect(() => attemptId(c, l, a)).toThrow(RangeError);
  });
  it('does not parse foreign ids', () => {
    expect(parseAttemptId('agent-3')).toBeUndefined();
  });
});
