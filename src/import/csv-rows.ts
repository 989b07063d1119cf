import { createReadStream } from 'node:fs';
import { physicalLines, type PhysicalLine } from './csv-lines.js';
import { parseRecord, quoteCount } from './csv-record.js';
import type { RowSource, SourceItem } from './row-source.js';

export interface CsvLimits {
  /** Longest record (all its lines) in characters; longer lines are rejected unread [16 Mi]. */
  maxRecordChars: number;
  /** Most lines one quoted field may span before the opening quote is judged stray [100]. */
  maxRecordLines: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxRecordChars: 16 * 1024 * 1024, maxRecordLines: 100 };

type TextLine = { line: number; text: string };

/**
 * Streams a UTF-8 CSV file (BOM tolerated, blank lines skipped) as records. A bad row never
 * costs the rows around it: a record that will not parse is reported alone (`unreadable`, with
 * its line and what is wrong) and reading goes on at the next line. A quote that opens a field
 * and is never closed would otherwise swallow the rest of the file, so a record may span at most
 * `maxRecordLines` lines, and a multi-line record must parse cleanly to the header's width;
 * when it does not, only its first line is rejected and the lines after it are read again.
 */
export function csvRows(file: string, limits: CsvLimits = DEFAULT_CSV_LIMITS): RowSource {
  // The fs stream decodes with a StringDecoder, so a character split between chunks stays whole
  // and only truly invalid bytes become U+FFFD (which prepareRow rejects by column).
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  return {
    items: records(physicalLines(input, limits.maxRecordChars), limits),
    bytesRead: () => input.bytesRead,
  };
}

async function* records(source: AsyncIterator<PhysicalLine>, limits: CsvLimits): AsyncGenerator<SourceItem> {
  const replay: TextLine[] = [];
  let pending: TextLine[] = [];
  let quotes = 0;
  let chars = 0;
  let width: number | undefined;
  const resolve = function* (): Generator<SourceItem> {
    const lines = pending;
    pending = [];
    quotes = 0;
    chars = 0;
    const first = lines[0];
    if (!first) return;
    const raw = lines.map((l) => l.text).join('\n');
    const r = parseRecord(raw);
    const multi = lines.length > 1;
    if (r.ok && !(multi && width !== undefined && r.fields.length !== width)) {
      width ??= r.fields.length;
      yield { kind: 'row', record: r.fields, line: first.line, raw };
      return;
    }
    const bad = r.ok ? { field: undefined, message: 'a quote opened on this line is never closed' } : r;
    yield {
      kind: 'unreadable',
      code: 'unreadable-csv',
      line: first.line,
      message: bad.message,
      raw: first.text,
      field: bad.field,
    };
    replay.unshift(...lines.slice(1));
  };
  for (;;) {
    let next: PhysicalLine | undefined = replay.shift();
    if (!next) {
      const r = await source.next();
      if (r.done) {
        if (pending.length === 0) break;
        yield* resolve(); // may put lines back to read again
        continue;
      }
      next = r.value;
    }
    if ('overlong' in next) {
      yield* resolve();
      yield {
        kind: 'unreadable',
        code: 'line-too-long',
        line: next.line,
        message: `line is longer than ${limits.maxRecordChars} characters (the import's limit); skipped unread`,
        raw: '',
      };
      continue;
    }
    if (pending.length === 0) {
      if (next.line === 1) next = { line: 1, text: next.text.replace(/^\uFEFF/, '') };
      if (next.text.trim() === '') continue;
    }
    pending.push(next);
    quotes += quoteCount(next.text);
    chars += next.text.length + 1;
    const open = quotes % 2 === 1;
    if (!open || pending.length >= limits.maxRecordLines || chars > limits.maxRecordChars) yield* resolve();
  }
}
