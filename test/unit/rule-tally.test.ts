import { describe, expect, it } from 'vitest';
import { RuleTally, type HeldLeads } from '../../src/diagnosis/rule-tally.js';

const at = (iso: string) => new Date(iso);

describe('RuleTally: leads per rule, earliest next eligible time, window per time zone', () => {
  const cases: { name: string; held: HeldLeads[]; counts: Record<string, number>; first?: Date | null }[] = [
    { name: 'nothing held', held: [], counts: {}, first: null },
    { name: 'zero leads are not a rule', held: [{ rule: 'blacklist', leads: 0 }], counts: {} },
    {
      name: 'groups of one rule add up, earliest time wins',
      held: [
        {
          rule: 'outside-window',
          leads: 2,
          nextEligibleAt: at('2026-06-11T00:00:00Z'),
          timezone: 'Asia/Shanghai',
        },
        {
          rule: 'outside-window',
          leads: 1,
          nextEligibleAt: at('2026-06-10T23:00:00Z'),
          timezone: 'Asia/Tokyo',
        },
      ],
      counts: { 'outside-window': 3 },
      first: at('2026-06-10T23:00:00Z'),
    },
    {
      name: 'a rule without a time keeps null; most leads first',
      held: [
        { rule: 'dnc:all', leads: 1, stored: true },
        { rule: 'completed', leads: 5 },
      ],
      counts: { completed: 5, 'dnc:all': 1 },
      first: null,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = new RuleTally();
      for (const h of c.held) t.add(h);
      expect(t.counts()).toEqual(c.counts);
      expect(Object.keys(t.counts())).toEqual(Object.keys(c.counts));
      if (c.first !== undefined) expect(t.windowOpensAt()).toEqual(c.first);
    });
  }

  it('counts how many came from stored refusals and opens the window per zone', () => {
    const t = new RuleTally();
    const tokyo = at('2026-06-10T23:00:00Z');
    t.add({ rule: 'outside-window', leads: 2, nextEligibleAt: tokyo, timezone: 'Asia/Tokyo', stored: true });
    t.add({
      rule: 'outside-window',
      leads: 1,
      nextEligibleAt: at('2026-06-11T01:00:00Z'),
      timezone: 'Asia/Tokyo',
    });
    t.add({
      rule: 'frequency-cap',
      leads: 1,
      nextEligibleAt: at('2026-07-01T00:00:00Z'),
      timezone: 'Asia/Tokyo',
    });
    expect(t.waits()).toEqual([
      { rule: 'outside-window', leads: 3, nextEligibleAt: tokyo, fromStoredRefusals: 2 },
      { rule: 'frequency-cap', leads: 1, nextEligibleAt: at('2026-07-01T00:00:00Z'), fromStoredRefusals: 0 },
    ]);
    expect(t.windowOpens()).toEqual([{ timezone: 'Asia/Tokyo', leads: 3, opensAt: tokyo }]);
  });
});
