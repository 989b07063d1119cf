import { describe, expect, it } from 'vitest';
import { formatRefusalReport, reportRange } from '../../src/cli/commands/refusals.js';

const NOW = new Date('2026-06-10T16:00:00Z');

describe('dialer refusals report: the days asked, and the text', () => {
  const cases: {
    o: { from?: string; to?: string; timezone: string };
    from?: string;
    to?: string;
    error?: RegExp;
  }[] = [
    { o: { timezone: 'UTC' }, from: '2026-05-12T00:00:00.000Z', to: '2026-06-11T00:00:00.000Z' },
    {
      o: { from: '2026-06-01', to: '2026-06-02', timezone: 'Asia/Shanghai' },
      from: '2026-05-31T16:00:00.000Z',
      to: '2026-06-02T16:00:00.000Z',
    },
    {
      o: { to: '2026-06-01', timezone: 'UTC' },
      from: '2026-05-03T00:00:00.000Z',
      to: '2026-06-02T00:00:00.000Z',
    },
    { o: { timezone: 'Mars/Olympus' }, error: /--timezone: "Mars\/Olympus" is not an IANA time zone/ },
    { o: { from: '2026-6-1', timezone: 'UTC' }, error: /--from: expected a day YYYY-MM-DD, got "2026-6-1"/ },
    { o: { from: '2026-06-05', to: '2026-06-01', timezone: 'UTC' }, error: /--from: after --to/ },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.o), () => {
      if (c.error) return void expect(() => reportRange(c.o, NOW)).toThrow(c.error);
      const r = reportRange(c.o, NOW);
      expect([r.from.toISOString(), r.to.toISOString()]).toEqual([c.from, c.to]);
    });
  }

  it('prints each day and rule with attempts and leads, and the total', () => {
    expect(
      formatRefusalReport('mixed', [
        { day: '2026-06-01', reason: 'outside-window', refusals: 12, leads: 4 },
        { day: '2026-06-01', reason: 'dnc:all', refusals: 1, leads: 1 },
      ]).split('\n'),
    ).toEqual([
      'campaign mixed: refused attempts per day and rule (leads in brackets)',
      '  2026-06-01        12 (4)  outside the calling window [outside-window]',
      '  2026-06-01         1 (1)  on the DNC list (all) [dnc:all]',
      '  total 13 refused attempt(s)',
    ]);
    expect(formatRefusalReport('x', [])).toBe('campaign x: no refusal in that period');
  });
});
