import { describe, expect, it } from 'vitest';
import { parseRecord, quoteCount } from '../../src/import/csv-record.js';

describe('parseRecord (strict RFC 4180, one record)', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,c', ['a', '', 'c']],
    ['a,b,', ['a', 'b', '']],
    ['"a,1","b ""x""",c', ['a,1', 'b "x"', 'c']],
    ['"two\nlines",x', ['two\nlines', 'x']],
    ['""', ['']],
    ['', ['']],
  ])('%j → %j', (text, fields) => {
    expect(parseRecord(text)).toEqual({ ok: true, fields });
  });

  it.each([
    ['2125550002,Bo"b', 2, /stray quote/],
    ['2125550002,"Bob', 2, /never closed/],
    ['"Bob"x,1', 1, /after a closing quote/],
    ['a,b,"c"d', 3, /after a closing quote/],
  ])('%j is refused in field %i', (text, field, message) => {
    const r = parseRecord(text);
    expect(r).toMatchObject({ ok: false, field });
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('counts quotes', () => {
    expect(quoteCount('a,"b ""c""",d')).toBe(6);
    expect(quoteCount('x,"open')).toBe(1);
  });
});
