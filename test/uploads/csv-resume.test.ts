import { describe, expect, it } from 'vitest';

import { parseCsv, readFirstRecord } from '../../src/uploads/csv/parser';
import { bytesOf, CHUNK_SIZES, parseAll, streamOf } from '../support/csv-streams';

// A byte-order mark, CRLF and LF, blank lines, quoted line breaks, a malformed record and
// multi-byte text: every position a consumer could store.
const FILE = bytesOf(
  [0xef, 0xbb, 0xbf],
  'external_id,agent_email,note\r\n',
  'T-1,a@example.com,"two\r\nlines"\r\n',
  '\r\n',
  'T-2,b@example.com,"say ""hi"""\n',
  'T-3,c@example.com,"Zoë ""Z"" 日本"x\n',
  '\n\n',
  'T-4,d@example.com,🙂\r',
  'T-5,,',
);

describe.each(CHUNK_SIZES)('resuming in chunks of %i bytes', (chunkSize) => {
  it('reads the same records from any record offset and line onwards', async () => {
    const records = await parseAll(FILE, chunkSize);

    for (const [index, record] of records.entries()) {
      const { offset, line } = record;
      const resumed = await parseAll(FILE.subarray(offset), chunkSize, { offset, line });

      expect(resumed).toEqual(records.slice(index));
    }
  });

  it('reads the same records after any record, from its nextOffset and nextLine', async () => {
    const records = await parseAll(FILE, chunkSize);

    for (const [index, record] of records.entries()) {
      const { nextOffset: offset, nextLine: line } = record;
      const resumed = await parseAll(FILE.subarray(offset), chunkSize, { offset, line });

      expect(resumed).toEqual(records.slice(index + 1));
    }
  });
});

describe('stopping early', () => {
  it('reads the header and cancels the rest of the stream', async () => {
    const csv = bytesOf('external_id,completed_at\n', 'T-1,2026-05-12T14:32:00Z\n'.repeat(20_000));
    let cancelled = false;

    const header = await readFirstRecord(streamOf(csv, 4096, () => (cancelled = true)));

    expect(header).toEqual({
      cells: ['external_id', 'completed_at'],
      offset: 0,
      nextOffset: 25,
      line: 1,
      nextLine: 2,
    });
    expect(cancelled).toBe(true);
  });

  it('leaves the other branch of a tee()d stream whole', async () => {
    const csv = bytesOf('id\n', 'row\n'.repeat(50_000));
    const [forHeader, forStorage] = streamOf(csv, 4096).tee();

    const [header, stored] = await Promise.all([
      readFirstRecord(forHeader),
      new Response(forStorage).arrayBuffer(),
    ]);

    expect(header?.cells).toEqual(['id']);
    expect(new Uint8Array(stored)).toEqual(csv);
  });

  it('finds no header in a file of blank lines', async () => {
    const header = await readFirstRecord(streamOf(bytesOf('\r\n\n'), 1));

    expect(header).toBeNull();
  });

  it('reads from an async iterable of chunks too', async () => {
    async function* chunks() {
      yield bytesOf('a,');
      yield bytesOf('b\nc');
    }

    const records = [];
    for await (const record of parseCsv(chunks())) records.push(record.cells);

    expect(records).toEqual([['a', 'b'], ['c']]);
  });
});
