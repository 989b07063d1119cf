import { createReadStream } from 'node:fs';
import { parse, type Info } from 'csv-parse';
import type { RowSource, SourceItem } from './row-source.js';

interface ParsedRecord {
  record: string[];
  info: Info;
  raw: string;
}

/** Streams a UTF-8 CSV file (BOM tolerated, blank lines skipped, broken rows reported). */
export function csvRows(file: string): RowSource {
  // The fs stream decodes with a StringDecoder, so a character split between chunks stays whole
  // and only truly invalid bytes become U+FFFD (which prepareRow rejects by column).
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }),
  );
  const skipped: SourceItem[] = [];
  parser.on('skip', (err: Error & { lines?: number }) =>
    skipped.push({ kind: 'unreadable', line: err.lines ?? 0, message: `unreadable CSV: ${err.message}` }),
  );
  async function* items(): AsyncGenerator<SourceItem> {
    for await (const rec of parser as AsyncIterable<ParsedRecord>) {
      yield* skipped.splice(0);
      yield { kind: 'row', record: rec.record, line: rec.info.lines, raw: rec.raw };
    }
    yield* skipped.splice(0);
  }
  return { items: items(), bytesRead: () => input.bytesRead };
}
