import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvRows } from '../../src/import/csv-rows.js';
import type { SourceItem } from '../../src/import/row-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialer-csvrows-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(text: string, limits?: Parameters<typeof csvRows>[1]): Promise<SourceItem[]> {
  const file = join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(file, text);
  const out: SourceItem[] = [];
  for await (const item of csvRows(file, limits).items) out.push(item);
  return out;
}

const good = (items: SourceItem[]) => items.flatMap((i) => (i.kind === 'row' ? [i.record[1]] : []));
const bad = (items: SourceItem[]) =>
  items.flatMap((i) => (i.kind === 'unreadable' ? [{ line: i.line, field: i.field, code: i.code }] : []));

describe('csvRows: a stray quote never costs the good rows around it', () => {
  it.each([
    ['an unclosed quote on the first data row', '"2125550001,Alice', 2, 1],
    ['an unclosed quote in the middle', '2125550002,"Bob', 3, 2],
    ['a quote inside an unquoted value', '2125550002,Bo"b', 3, 2],
    ['text after a closing quote', '2125550002,"Bob"x', 3, 2],
  ])('%s: 3 good rows, 1 rejected naming line and field', async (_name, badLine, line, field) => {
    const rows = ['2125550001,Alice', '2125550002,Bob', '2125550003,Carol', '2125550004,Dave'];
    rows[line - 2] = badLine;
    const items = await read(['phone,name', ...rows].join('\n') + '\n');
    expect(bad(items)).toEqual([{ line, field, code: 'unreadable-csv' }]);
    expect(good(items)).toHaveLength(1 + 3); // the header and three good rows
  });

  it('keeps a legal multi-line quoted value, CRLF line ends and a BOM', async () => {
    const items = await read('\uFEFFphone,name\r\n2125550001,"Alice\r\nSmith"\r\n2125550002,Bob\r\n');
    expect(items.map((i) => (i.kind === 'row' ? i.record : i))).toEqual([
      ['phone', 'name'],
      ['2125550001', 'Alice\nSmith'],
      ['2125550002', 'Bob'],
    ]);
  });

  it('a quote left open for longer than maxRecordLines costs only its own line', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `21255500${String(i).padStart(2, '0')},n${i}`);
    lines[3] = '2125559999,"open';
    const items = await read(['phone,name', ...lines].join('\n'), {
      maxRecordChars: 1 << 20,
      maxRecordLines: 10,
    });
    expect(bad(items)).toEqual([{ line: 5, field: 2, code: 'unreadable-csv' }]);
    expect(good(items)).toHaveLength(1 + 49);
  });

  it('a line over the length limit is skipped unread, the next ones kept', async () => {
    const text = `phone,name\n2125550001,${'x'.repeat(5000)}\n2125550002,Bob\n`;
    const items = await read(text, { maxRecordChars: 1000, maxRecordLines: 100 });
    expect(bad(items)).toEqual([{ line: 2, field: undefined, code: 'line-too-long' }]);
    expect(good(items)).toEqual(['name', 'Bob']);
  });
});
