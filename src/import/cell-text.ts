/**
 * The text of a spreadsheet cell as a CSV would have held it. Phone numbers typed into Excel
 * are often stored as numbers: they come back as plain digits (no exponent, no ".0"), so the
 * number normaliser sees what the user typed, minus any leading "+" or zeros Excel dropped.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) < 1e21) return value.toFixed(0);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v['richText'])) {
      return (v['richText'] as { text?: unknown }[]).map((r) => cellText(r.text)).join('');
    }
    if ('result' in v) return cellText(v['result']);
    if ('formula' in v || 'sharedFormula' in v) return '';
    if ('text' in v) return cellText(v['text']);
    if ('error' in v) return String(v['error']);
  }
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? '';
}
