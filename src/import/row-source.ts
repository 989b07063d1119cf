/** One item a lead file yields, in file order. */
export type SourceItem =
  | {
      kind: 'row';
      /** Cell texts; the first row is the header. */
      record: string[];
      /** Line (CSV) or row number (XLSX) in the file, for the rejects report. */
      line: number;
      /** The row as it was, for the rejects file. */
      raw: string;
    }
  | {
      kind: 'unreadable';
      /** `line-too-long`: over the reader's length limit, skipped unread. */
      code: 'unreadable-csv' | 'line-too-long';
      line: number;
      message: string;
      /** The line(s) as they were. */
      raw: string;
      /** 1-based position of the field at fault, when known. */
      field?: number;
    };

/** A streaming reader of a lead file: rows in order, and how far into the file it has read. */
export interface RowSource {
  items: AsyncIterable<SourceItem>;
  bytesRead(): number;
}
