import { describe, expect, it } from 'vitest';
import { cellText } from '../../src/import/cell-text.js';

describe('cellText: a spreadsheet cell as the text a CSV would hold', () => {
  it.each([
    ['empty', null, ''],
    ['undefined', undefined, ''],
    ['text', ' +1 212 555 1234', ' +1 212 555 1234'],
    ['a phone typed as a number', 13800138000, '13800138000'],
    ['a large integer, no exponent', 8613800138000, '8613800138000'],
    ['a decimal', 12.5, '12.5'],
    ['a boolean', true, 'TRUE'],
    ['a date', new Date('2026-11-30T08:00:00Z'), '2026-11-30T08:00:00.000Z'],
    ['rich text', { richText: [{ text: 'Zhang ' }, { text: 'Wei' }] }, 'Zhang Wei'],
    ['a formula with its result', { formula: 'A1&""', result: '2125551234' }, '2125551234'],
    ['a numeric formula result', { formula: 'A1*1', result: 2125551234 }, '2125551234'],
    ['a formula never calculated', { formula: 'A1*1' }, ''],
    ['a hyperlink', { text: 'mail me', hyperlink: 'mailto:x@example.com' }, 'mail me'],
    ['an error value', { error: '#N/A' }, '#N/A'],
  ])('%s', (_name, value, text) => {
    expect(cellText(value)).toBe(text);
  });
});
