import { describe, expect, it } from 'vitest';
import { labNumber, parseLabNumber } from '../../src/lab/number-plan.js';

describe('lab number plan', () => {
  it.each([
    // number, behaviour kind, talk seconds, keys
    ['+15555550300', 'human', 3, ''],
    ['+15555550010', 'busy', 0, ''],
    ['+12995550399', 'human', 3, ''],
    ['+15558430090', 'human', 0, '43'],
    ['+15558071220', 'no-answer', 12, '07'],
  ])('%s is a %s who talks %i s and presses "%s"', (number, kind, talkSec, keys) => {
    const n = parseLabNumber(number);
    expect([n.behaviour.kind, n.talkSec, n.keys]).toEqual([kind, talkSec, keys]);
  });

  it('builds what it parses, with and without keys', () => {
    expect(labNumber(9, 3, 1, 298)).toBe('+12985550391');
    expect(labNumber(9, 0, 0, 555, '43')).toBe('+15558430090');
    expect(parseLabNumber(labNumber(0, 12, 4, 555, '19')).keys).toBe('19');
  });

  it('refuses what it cannot build', () => {
    expect(() => labNumber(9, 100)).toThrow(/talkSec/);
    expect(() => labNumber(9, 0, 10)).toThrow(/index/);
    expect(() => labNumber(9, 0, 0, 555, '4')).toThrow(/two digits/);
    expect(() => parseLabNumber('agent1')).toThrow(/four digits/);
  });
});
