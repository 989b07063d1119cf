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
  | { kind: 'unreadable'; line: number; message: string };

/** A streaming reader of a lead file: rows in order, and how far into the file it has read. */
export interface RowSource {
  items: AsyncIterable<SourceItem>;
  bytesRead(): number;
}
