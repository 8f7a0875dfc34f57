import { describe, expect, it } from 'vitest';

import type { CsvRecord } from '../../src/uploads/csv/parser';
import { bytesOf, CHUNK_SIZES, parseAll } from '../support/csv-streams';

interface Quirk {
  name: string;
  csv: string;
  records: CsvRecord[];
}

const QUIRKS: Quirk[] = [
  {
    name: 'reads unquoted fields separated by commas',
    csv: 'a,b\nc,d\n',
    records: [
      { cells: ['a', 'b'], offset: 0, nextOffset: 4, line: 1, nextLine: 2 },
      { cells: ['c', 'd'], offset: 4, nextOffset: 8, line: 2, nextLine: 3 },
    ],
  },
  {
    name: 'ends records at \\r\\n',
    csv: 'a,b\r\nc\r\n',
    records: [
      { cells: ['a', 'b'], offset: 0, nextOffset: 5, line: 1, nextLine: 2 },
      { cells: ['c'], offset: 5, nextOffset: 8, line: 2, nextLine: 3 },
    ],
  },
  {
    name: 'treats a lone \\r as a line terminator',
    csv: 'a\rb\r\nc',
    records: [
      { cells: ['a'], offset: 0, nextOffset: 2, line: 1, nextLine: 2 },
      { cells: ['b'], offset: 2, nextOffset: 5, line: 2, nextLine: 3 },
      { cells: ['c'], offset: 5, nextOffset: 6, line: 3, nextLine: 3 },
    ],
  },
  {
    name: 'reads a last record that has no line terminator',
    csv: 'a,b\nc,d',
    records: [
      { cells: ['a', 'b'], offset: 0, nextOffset: 4, line: 1, nextLine: 2 },
      { cells: ['c', 'd'], offset: 4, nextOffset: 7, line: 2, nextLine: 2 },
    ],
  },
  {
    name: 'keeps commas, doubled quotes and line breaks inside quoted fields',
    csv: '"a,b","say ""hi""","x\r\ny\nz"\nnext\n',
    records: [
      { cells: ['a,b', 'say "hi"', 'x\r\ny\nz'], offset: 0, nextOffset: 28, line: 1, nextLine: 4 },
      { cells: ['next'], offset: 28, nextOffset: 33, line: 4, nextLine: 5 },
    ],
  },
  {
    name: 'counts a lone \\r inside a quoted field as a line',
    csv: '"a\rb"\nc\n',
    records: [
      { cells: ['a\rb'], offset: 0, nextOffset: 6, line: 1, nextLine: 3 },
      { cells: ['c'], offset: 6, nextOffset: 8, line: 3, nextLine: 4 },
    ],
  },
  {
    name: 'skips blank lines but counts them',
    csv: '\n\na\r\n\r\n\nb\n',
    records: [
      { cells: ['a'], offset: 2, nextOffset: 5, line: 3, nextLine: 4 },
      { cells: ['b'], offset: 8, nextOffset: 10, line: 6, nextLine: 7 },
    ],
  },
  {
    name: 'skips a blank line after a record that ends with a lone \\r',
    csv: 'a\r\r\nb',
    records: [
      { cells: ['a'], offset: 0, nextOffset: 2, line: 1, nextLine: 2 },
      { cells: ['b'], offset: 4, nextOffset: 5, line: 3, nextLine: 3 },
    ],
  },
  {
    name: 'reads a file of blank lines as no records',
    csv: '\n\r\n\r',
    records: [],
  },
  {
    name: 'reads an empty file as no records',
    csv: '',
    records: [],
  },
  {
    name: 'reads a line with just a comma as two empty cells',
    csv: ',\n',
    records: [{ cells: ['', ''], offset: 0, nextOffset: 2, line: 1, nextLine: 2 }],
  },
  {
    name: 'reads a trailing comma as a last empty cell, also at the end of the file',
    csv: 'a,\nb,',
    records: [
      { cells: ['a', ''], offset: 0, nextOffset: 3, line: 1, nextLine: 2 },
      { cells: ['b', ''], offset: 3, nextOffset: 5, line: 2, nextLine: 2 },
    ],
  },
  {
    name: 'reads an empty quoted field as an empty cell',
    csv: '"",x\n""\n',
    records: [
      { cells: ['', 'x'], offset: 0, nextOffset: 5, line: 1, nextLine: 2 },
      { cells: [''], offset: 5, nextOffset: 8, line: 2, nextLine: 3 },
    ],
  },
  {
    name: 'reads a quoted field closed at the end of the file',
    csv: '"a"\r\n"b"""',
    records: [
      { cells: ['a'], offset: 0, nextOffset: 5, line: 1, nextLine: 2 },
      { cells: ['b"'], offset: 5, nextOffset: 10, line: 2, nextLine: 2 },
    ],
  },
  {
    name: 'keeps multi-byte characters, whichever chunk boundary splits them',
    csv: 'é,日本,🙂\n"ü""",x\n',
    records: [
      { cells: ['é', '日本', '🙂'], offset: 0, nextOffset: 15, line: 1, nextLine: 2 },
      { cells: ['ü"', 'x'], offset: 15, nextOffset: 24, line: 2, nextLine: 3 },
    ],
  },
  {
    name: 'keeps a stray quote inside an unquoted field as a character',
    csv: 'ab"c,d"\n',
    records: [{ cells: ['ab"c', 'd"'], offset: 0, nextOffset: 8, line: 1, nextLine: 2 }],
  },
  {
    name: 'keeps text after a closing quote and reports the record',
    csv: 'x,"ab"c"d,e\nf\n',
    records: [
      {
        cells: ['x', 'abc"d', 'e'],
        offset: 0,
        nextOffset: 12,
        line: 1,
        nextLine: 2,
        problem: 'field 2 has text after its closing quote',
      },
      { cells: ['f'], offset: 12, nextOffset: 14, line: 2, nextLine: 3 },
    ],
  },
  {
    name: 'ends the last record at the end of the file when a quote is never closed',
    csv: 'a\nb,"c,d\ne""\n',
    records: [
      { cells: ['a'], offset: 0, nextOffset: 2, line: 1, nextLine: 2 },
      {
        cells: ['b', 'c,d\ne"\n'],
        offset: 2,
        nextOffset: 13,
        line: 2,
        nextLine: 4,
        problem: 'the quote that opens field 2 is never closed',
      },
    ],
  },
];

describe.each(CHUNK_SIZES)('parseCsv in chunks of %i bytes', (chunkSize) => {
  it.each(QUIRKS)('$name', async ({ csv, records }) => {
    const parsed = await parseAll(csv, chunkSize);

    expect(parsed).toEqual(records);
  });

  it('skips a byte-order mark at the start of the file, counting its bytes', async () => {
    const csv = bytesOf([0xef, 0xbb, 0xbf], 'id,name\n1,é\n');

    const parsed = await parseAll(csv, chunkSize);

    expect(parsed).toEqual([
      { cells: ['id', 'name'], offset: 3, nextOffset: 11, line: 1, nextLine: 2 },
      { cells: ['1', 'é'], offset: 11, nextOffset: 16, line: 2, nextLine: 3 },
    ]);
  });

  it('keeps a first character that merely starts like a byte-order mark', async () => {
    const csv = bytesOf('\u{fec0}x,y\n');

    const parsed = await parseAll(csv, chunkSize);

    expect(parsed).toEqual([
      { cells: ['\u{fec0}x', 'y'], offset: 0, nextOffset: 7, line: 1, nextLine: 2 },
    ]);
  });

  it('keeps U+FEFF inside the file: only offset 0 can hold a byte-order mark', async () => {
    const csv = bytesOf('\u{feff}a,\u{feff}\n');

    const parsed = await parseAll(csv.subarray(3), chunkSize, { offset: 3, line: 1 });

    expect(parsed).toEqual([
      { cells: ['a', '\u{feff}'], offset: 3, nextOffset: 9, line: 1, nextLine: 2 },
    ]);
  });
});
