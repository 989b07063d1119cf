import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../src/pbx/recent-ids.js';

describe('RecentIds', () => {
  it('remembers ids up to its capacity, forgetting the oldest first', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c']) ids.add(id);
    expect(['a', 'b', 'c'].map((id) => ids.has(id))).toEqual([true, true, true]);
    ids.add('d');
    expect(ids.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
  });
  it('stays bounded over many calls', () => {
    const ids = new RecentIds(100);
    for (let i = 0; i < 10_000; i++) ids.add(`c1-l${i}-a1`);
    expect(ids.size).toBe(100);
    expect(ids.has('c1-l9999-a1')).toBe(true);
  });
});
