import { readFile, stat } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';

export interface RejectRow {
  row: string;
  field: string;
  code: string;
  message: string;
  raw: string;
}

/** Reads a rejects file as records (header row, field, code, message, raw) and its mode. */
export async function readRejects(
  path: string,
): Promise<{ header: string[]; rows: RejectRow[]; mode: number }> {
  const text = await readFile(path, 'utf8');
  const records: string[][] = parse(text);
  const header = records[0] ?? [];
  const rows = records
    .slice(1)
    .map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])) as unknown as RejectRow);
  return { header, rows, mode: (await stat(path)).mode & 0o777 };
}
