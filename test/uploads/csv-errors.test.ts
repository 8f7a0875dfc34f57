import { describe, expect, it } from 'vitest';

import { CsvError } from '../../src/uploads/csv/errors';
import { parseCsv, type ParseCsvOptions } from '../../src/uploads/csv/parser';
import { bytesOf, CHUNK_SIZES, parseAll, streamOf } from '../support/csv-streams';

const INVALID_UTF8: [string, number[]][] = [
  ['a byte that never starts a character', [0xff]],
  ['a lone continuation byte', [0x80]],
  ['an overlong encoding', [0xc0, 0xaf]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ['a character cut short by the next one', [0xe6, 0x97]],
];

/** The cells read before the parser gave up, and why it did. */
async function readUntilError(csv: Uint8Array, chunkSize: number, options: ParseCsvOptions = {}) {
  const cells: string[][] = [];
  try {
    const records = parseCsv(streamOf(csv, chunkSize), { coalesceBytes: 1, ...options });
    for await (const record of records) cells.push(record.cells);
  } catch (error) {
    return { cells, error };
  }
  return { cells, error: null };
}

describe.each(CHUNK_SIZES)('parseCsv in chunks of %i bytes', (chunkSize) => {
  it.each(INVALID_UTF8)('reports %s with the offset and line of its record', async (_, bytes) => {
    const csv = bytesOf('id\n"two\nlines"\nok,"x', bytes, 'y"\nnext\n');

    const parsing = parseAll(csv, chunkSize);

    await expect(parsing).rejects.toThrow(CsvError);
    await expect(parsing).rejects.toMatchObject({
      code: 'invalid_utf8',
      offset: 15,
      line: 4,
      message: 'The file is not valid UTF-8: invalid bytes in the record at byte 15 (line 4)',
    });
  });

  it('reports a character cut short by the end of the file', async () => {
    const csv = bytesOf('id\nx', [0xe6, 0x97]);

    const parsing = parseAll(csv, chunkSize);

    await expect(parsing).rejects.toMatchObject({ code: 'invalid_utf8', offset: 3, line: 2 });
  });

  it('refuses a record larger than the limit, naming its line and a likely unclosed quote', async () => {
    const csv = bytesOf('id,note\n1,ok\n2,"never closed\n', 'x'.repeat(100), '\n3,ok\n');

    const parsing = parseAll(csv, chunkSize, { maxRecordBytes: 64 });

    await expect(parsing).rejects.toThrow(CsvError);
    await expect(parsing).rejects.toMatchObject({
      code: 'record_too_large',
      offset: 13,
      line: 3,
      message:
        'The record that starts on line 3 is larger than 64 bytes: does it open a quote that is never closed?',
    });
  });

  it('accepts a record of exactly the limit, line terminator included', async () => {
    const csv = 'abc,\r\nabcd\n';

    const parsed = await parseAll(csv, chunkSize, { maxRecordBytes: 6 });

    expect(parsed.map((record) => record.cells)).toEqual([['abc', ''], ['abcd']]);
  });

  it('applies the limit to each record, not to the whole file', async () => {
    const csv = 'T-1,a@example.com\n'.repeat(1_000);

    const parsed = await parseAll(csv, chunkSize, { maxRecordBytes: 18 });

    expect(parsed).toHaveLength(1_000);
  });

  it('yields every record before an invalid one, then throws', async () => {
    const csv = bytesOf('id\nT-1\nT-2\nT-', [0xc3, 0x28], '\nT-4\n');

    const { cells, error } = await readUntilError(csv, chunkSize);

    expect(cells).toEqual([['id'], ['T-1'], ['T-2']]);
    expect(error).toMatchObject({ code: 'invalid_utf8', offset: 11, line: 4 });
  });

  it('yields every record before an oversized one, then throws', async () => {
    const csv = bytesOf('id\nT-1\n"T-', 'x'.repeat(40), '\nT-3\n');

    const { cells, error } = await readUntilError(csv, chunkSize, { maxRecordBytes: 16 });

    expect(cells).toEqual([['id'], ['T-1']]);
    expect(error).toMatchObject({ code: 'record_too_large', offset: 7, line: 3 });
  });
});
