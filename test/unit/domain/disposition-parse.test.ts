import { describe, expect, it } from 'vitest';
import { DispositionError, parseDisposition } from '../../../src/domain/disposition.js';

function message(raw: unknown): string {
  try {
    parseDisposition(raw);
    return 'parsed';
  } catch (err) {
    expect(err).toBeInstanceOf(DispositionError);
    return (err as Error).message;
  }
}

describe('parseDisposition: every bad field named, in words an integrator can act on', () => {
  it.each([
    [{ code: 'SALE', callbackAt: 'tomorrow' }, /^callbackAt: expected an ISO 8601 date-time with its offset/],
    [{ code: 'SALE', trialEndsAt: '2026-13-45' }, /^trialEndsAt: expected an ISO 8601 date-time/],
    [{ code: 'SALE', satisfaction: 9 }, /^satisfaction: /],
    [{ code: 'SALE', colour: 'red' }, /colour/],
    ['not an object', /^\(body\): /],
  ])('%j → %s', (raw, expected) => {
    const text = message(raw);
    expect(text).toMatch(expected);
    expect(text).not.toMatch(/received Date/);
  });

  it('a good date-time string becomes a Date', () => {
    const d = parseDisposition({ code: 'CALLBACK', callbackAt: '2026-12-04T15:30:00+08:00' });
    expect(d.callbackAt?.toISOString()).toBe('2026-12-04T07:30:00.000Z');
  });
});
