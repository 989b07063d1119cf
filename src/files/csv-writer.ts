/**
 * The one CSV writer for every file the product writes that a spreadsheet may open (rejects
 * files, `dnc export`). Each cell is quoted, embedded quotes doubled, and a cell a spreadsheet
 * would run as a formula is defused (OWASP "CSV Injection"): one starting with `=`, `+`, `-`,
 * `@`, TAB or CR — or their full-width forms, which WPS and Excel in CJK locales also accept —
 * gets a leading `'`, so Excel, LibreOffice and WPS show it as text. A plain signed number
 * (`+15551234567`, `-12.5`) cannot call anything and is left alone, so E.164 numbers survive a
 * round trip through `dnc export` and `dnc import`.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

export type CsvValue = string | number | null | undefined;

/** Whether a spreadsheet would read this text as a formula (or DDE command). */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
}

/** One cell: always quoted; a formula-looking value prefixed with `'`. */
export function csvCell(value: CsvValue): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = looksLikeFormula(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** One CSV line (CRLF-free `\n` ending) from its cells. */
export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + '\n';
}

/**
 * Minimal RFC 4180 quoting (only where needed), for text that is itself stored inside a safe
 * cell, such as a spreadsheet row shown in the rejects file's `raw` column.
 */
export function plainCsvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
