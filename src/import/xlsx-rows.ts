import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { cellText } from './cell-text.js';
import { plainCsvCell } from '../files/csv-writer.js';
import type { RowSource, SourceItem } from './row-source.js';

/**
 * Streams the first worksheet of an .xlsx workbook (exceljs' streaming reader: rows are read as
 * the file is unzipped, only the shared-string table is kept in memory). Trailing empty cells
 * are padded to the header's width, as a CSV row would have them; empty rows are skipped.
 */
export function xlsxRows(file: string): RowSource {
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles say which numbers are dates (Excel stores dates as day numbers).
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  async function* items(): AsyncGenerator<SourceItem> {
    let width = 0;
    try {
      yield* sheetRows();
    } finally {
      input.destroy();
    }
    async function* sheetRows(): AsyncGenerator<SourceItem> {
      for await (const sheet of reader) {
        for await (const row of sheet) {
          // row.values is 1-based: index 0 is always empty.
          const values = (row.values as unknown[]).slice(1);
          const record = Array.from({ length: Math.max(values.length, width) }, (_, i) =>
            cellText(values[i]),
          );
          if (record.every((c) => c.trim() === '')) continue;
          if (width === 0) width = record.length;
          yield { kind: 'row', record, line: row.number, raw: record.map(plainCsvCell).join(',') };
        }
        // Only the first worksheet holds the list; the others are notes, lookups, pivots.
        break;
      }
    }
  }
  return { items: items(), bytesRead: () => input.bytesRead };
}
