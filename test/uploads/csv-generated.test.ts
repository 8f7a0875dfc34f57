import { describe, expect, it } from 'vitest';

import { DEFAULT_COALESCE_BYTES } from '../../src/uploads/csv/chunks';
import type { CsvRecord } from '../../src/uploads/csv/parser';
import { bytesOf, parseAll } from '../support/csv-streams';

const PIECES = [
  'T-1842',
  'alex@example.com',
  '2026-05-12T14:32:00Z',
  'Zoë',
  '日本語',
  '🙂',
  ' ',
  'a,b',
  'say "hi"',
  'two\nlines',
  'x\r\ny',
  'lone\rcr',
];
const TERMINATORS = ['\n', '\r\n', '\r\n', '\r', '\n\n', '\r\n\r\n'];

/** Mulberry32: the same "random" file on every run, so that a failure can be reproduced. */
function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A valid RFC 4180 file: random quoting, line breaks, blank lines and multi-byte text. */
function generateCsv(rows: number, random: () => number, pieces = PIECES): string {
  const pick = <T>(choices: T[]): T => choices[Math.floor(random() * choices.length)]!;
  let csv = '';

  for (let row = 0; row < rows; row++) {
    const cells = Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
      const text = Array.from({ length: Math.floor(random() * 3) }, () => pick(pieces)).join('');
      const mustQuote = /[",\r\n]/.test(text);
      return mustQuote || random() < 0.2 ? `"${text.replaceAll('"', '""')}"` : text;
    });
    // A lone empty unquoted cell would be a blank line, not a record.
    if (cells.length === 1 && cells[0] === '') cells[0] = '""';

    csv += cells.join(',') + (row < rows - 1 || random() < 0.5 ? pick(TERMINATORS) : '');
  }
  return csv;
}

/** A plain whole-string reading of a valid file, with regular expressions instead of bytes. */
function parseReference(csv: string): CsvRecord[] {
  const encoder = new TextEncoder();
  const lineBreak = /\r\n|\r|\n/y;
  const field = /"((?:[^"]|"")*)"|[^,\r\n"]*/y;
  const records: CsvRecord[] = [];
  let index = 0;
  let offset = 0;
  let line = 1;

  const consumeTo = (end: number) => {
    const consumed = csv.slice(index, end);
    offset += encoder.encode(consumed).length;
    line += consumed.match(/\r\n|\r|\n/g)?.length ?? 0;
    index = end;
  };

  while (index < csv.length) {
    lineBreak.lastIndex = index;
    if (lineBreak.test(csv)) {
      consumeTo(lineBreak.lastIndex);
      continue;
    }

    const cells: string[] = [];
    field.lastIndex = index;
    for (;;) {
      const match = field.exec(csv)!;
      cells.push(match[1] === undefined ? match[0] : match[1].replaceAll('""', '"'));
      if (csv[field.lastIndex] !== ',') break;
      field.lastIndex++;
    }

    lineBreak.lastIndex = field.lastIndex;
    const end = lineBreak.test(csv) ? lineBreak.lastIndex : field.lastIndex;
    const start = { offset, line };
    consumeTo(end);
    records.push({
      cells,
      offset: start.offset,
      nextOffset: offset,
      line: start.line,
      nextLine: line,
    });
  }
  return records;
}

describe('parseCsv on a generated file of 20,000 rows', () => {
  const csv = generateCsv(20_000, seededRandom(4180));
  const expected = parseReference(csv);

  it.each([
    { chunking: 'in 7-byte chunks', chunkSize: 7, coalesceBytes: 1 },
    {
      chunking: 'in 4 KiB chunks coalesced, as from local R2',
      chunkSize: 4096,
      coalesceBytes: DEFAULT_COALESCE_BYTES,
    },
  ])(
    'reads what a whole-string reference reads, $chunking',
    async ({ chunkSize, coalesceBytes }) => {
      const bytes = bytesOf(csv);

      const parsed = await parseAll(bytes, chunkSize, { coalesceBytes });

      expect(expected).toHaveLength(20_000);
      expect(parsed).toEqual(expected);
    },
  );
});

describe('parseCsv on a generated file of 20,000 rows of ASCII only', () => {
  // Records that lie within one chunk of ASCII text are sliced from the chunk's text.
  const ascii = PIECES.filter((piece) => /^[\x00-\x7f]*$/.test(piece));
  const csv = generateCsv(20_000, seededRandom(1252), ascii);
  const expected = parseReference(csv);

  it.each([
    { chunking: 'in 4 KiB chunks coalesced, as from local R2', chunkSize: 4096 },
    { chunking: 'in one chunk, scanned in 64 KiB pieces', chunkSize: 1 << 30 },
  ])('reads what a whole-string reference reads, $chunking', async ({ chunkSize }) => {
    const parsed = await parseAll(bytesOf(csv), chunkSize, {
      coalesceBytes: DEFAULT_COALESCE_BYTES,
    });

    expect(csv).toMatch(/^[\x00-\x7f]+$/);
    expect(parsed).toEqual(expected);
  });
});
