import { describe, expect, it } from 'vitest';

import {
  findFilePart,
  multipartBoundary,
  MultipartError,
} from '../../src/uploads/multipart/reader';

const BOUNDARY = '----TasksIngestBoundary7MA4YWxkTrZu0gW';
/** Each body is read in chunks of each of these sizes: seams fall everywhere. */
const CHUNK_SIZES = [1, 2, 5, 13, 64, 65536];
const CSV = 'external_id,agent_email,completed_at\r\nT-1,alex@example.com,2026-05-12T14:32:00Z\r\n';

const encoder = new TextEncoder();

interface Part {
  headers: string[];
  content: string | Uint8Array;
}

const fileWith = (
  content: string | Uint8Array,
  disposition = 'name="file"; filename="tasks.csv"',
) => ({
  headers: [`Content-Disposition: form-data; ${disposition}`, 'Content-Type: text/csv'],
  content,
});

const field = (name: string, value: string) => ({
  headers: [`Content-Disposition: form-data; name="${name}"`],
  content: value,
});

/** A body as clients write it: the first delimiter opens the body, without a CRLF before it. */
function multipartBody(parts: Part[], framing: { preamble?: string; epilogue?: string } = {}) {
  const pieces: (string | Uint8Array)[] = [];
  if (framing.preamble !== undefined) pieces.push(`${framing.preamble}\r\n`);
  for (const { headers, content } of parts) {
    pieces.push(`--${BOUNDARY}\r\n`, ...headers.map((header) => `${header}\r\n`), '\r\n');
    pieces.push(content, '\r\n');
  }
  pieces.push(`--${BOUNDARY}--`, framing.epilogue ?? '\r\n');
  return concat(pieces.map((piece) => (typeof piece === 'string' ? encoder.encode(piece) : piece)));
}

function concat(arrays: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(arrays.reduce((total, array) => total + array.length, 0));
  let offset = 0;
  for (const array of arrays) {
    joined.set(array, offset);
    offset += array.length;
  }
  return joined;
}

/** A body handed out in `chunkSize` pieces, one per pull, recording how far it was read. */
function meteredBody(bytes: Uint8Array, chunkSize: number) {
  const meter = { pulledBytes: 0, cancelReason: undefined as unknown };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (meter.pulledBytes >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(meter.pulledBytes, meter.pulledBytes + chunkSize));
        meter.pulledBytes = Math.min(bytes.length, meter.pulledBytes + chunkSize);
      },
      cancel(reason) {
        meter.cancelReason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, meter };
}

async function readFile(body: Uint8Array, chunkSize: number, boundary = BOUNDARY) {
  const part = await findFilePart(meteredBody(body, chunkSize).stream, boundary, 'file');
  if (!part) return null;

  const content = new Uint8Array(await new Response(part.body).arrayBuffer());
  return { filename: part.filename, contentType: part.contentType, content };
}

/** The body up to (not including) the first occurrence of `marker`. */
function cutBefore(body: Uint8Array, marker: string): Uint8Array {
  const at = new TextDecoder('latin1').decode(body).indexOf(marker);
  if (at === -1) throw new Error(`the body holds no ${marker}`);
  return body.slice(0, at);
}

describe('multipartBoundary', () => {
  const long = 'b'.repeat(70);

  it.each([
    ['an unquoted boundary', 'multipart/form-data; boundary=abc123', 'abc123'],
    ['a quoted boundary', 'multipart/form-data; boundary="gc0p4Jq0M:2Yt08"', 'gc0p4Jq0M:2Yt08'],
    ['a quoted boundary with a space', 'multipart/form-data; boundary="simple one"', 'simple one'],
    ['other parameters around it', 'multipart/form-data; charset=utf-8; boundary=x; a="b"', 'x'],
    ['any letter case', 'Multipart/Form-Data; BOUNDARY=AbC', 'AbC'],
    ['white space around the parts', '  multipart/form-data ;  boundary=abc  ', 'abc'],
    [
      "curl's boundary",
      'multipart/form-data; boundary=------------------------d74496d66958',
      '------------------------d74496d66958',
    ],
    ['a boundary of 70 characters', `multipart/form-data; boundary=${long}`, long],
  ])('reads %s', (_case, contentType, boundary) => {
    expect(multipartBoundary(contentType)).toBe(boundary);
  });

  it.each([
    ['another multipart type', 'multipart/mixed; boundary=abc'],
    ['another media type', 'text/csv; boundary=abc'],
    ['an empty header', ''],
    ['no boundary', 'multipart/form-data'],
    ['an empty boundary', 'multipart/form-data; boundary=""'],
    ['a boundary over 70 characters', `multipart/form-data; boundary=${long}b`],
    ['a boundary that ends with a space', 'multipart/form-data; boundary="abc "'],
    ['a character RFC 2046 forbids', 'multipart/form-data; boundary="a@b"'],
    ['an unclosed quote', 'multipart/form-data; boundary="abc'],
    ['a parameter without a value', 'multipart/form-data; boundary'],
  ])('returns null for %s', (_case, contentType) => {
    expect(multipartBoundary(contentType)).toBeNull();
  });
});

describe.each(CHUNK_SIZES)('findFilePart with %i-byte chunks', (chunkSize) => {
  it('reads a file that is the only part', async () => {
    const body = multipartBody([fileWith(CSV)]);

    const file = await readFile(body, chunkSize);

    expect(file).toEqual({
      filename: 'tasks.csv',
      contentType: 'text/csv',
      content: encoder.encode(CSV),
    });
  });

  it('skips the other parts before and after the file', async () => {
    const body = multipartBody([
      field('organization', `acme\r\n--${BOUNDARY.slice(0, 10)}`),
      field('files', 'a name that only starts like it'),
      field('File', 'another letter case'),
      { headers: ['X-Note: a part without Content-Disposition'], content: 'ignored' },
      { headers: [], content: 'a part without headers' },
      fileWith('an attachment', 'name="attachment"; filename="tasks.csv"'),
      fileWith(CSV),
      field('comment', 'after the file'),
    ]);

    const file = await readFile(body, chunkSize);

    expect(file?.content).toEqual(encoder.encode(CSV));
  });

  it.each([
    ['closes the form', [fileWith(CSV)], {}],
    [
      'has more parts and an epilogue after it',
      [fileWith(CSV), field('note', 'after')],
      { epilogue: '\r\nbye' },
    ],
    [
      'follows other parts and a preamble',
      [field('note', 'before'), fileWith(CSV)],
      { preamble: 'hi' },
    ],
  ])(
    'tells where a file that %s starts, and hands over the rest of the body after it',
    async (_case, parts, framing) => {
      const body = multipartBody(parts, framing);

      const part = await findFilePart(meteredBody(body, chunkSize).stream, BOUNDARY, 'file');
      const content = new Uint8Array(await new Response(part!.body).arrayBuffer());
      const trailer: Uint8Array[] = [];
      for await (const bytes of part!.trailer()) trailer.push(bytes.slice());

      expect(content).toEqual(encoder.encode(CSV));
      expect(body.subarray(part!.offset, part!.offset + content.length)).toEqual(content);
      expect(concat([content, ...trailer])).toEqual(body.subarray(part!.offset));
    },
  );

  it('returns null when no part is named file', async () => {
    const body = multipartBody([field('organization', 'acme'), fileWith(CSV, 'name="upload"')]);

    const file = await readFile(body, chunkSize);

    expect(file).toBeNull();
  });

  it("reads a file from a body the runtime's own FormData wrote", async () => {
    const form = new FormData();
    form.append('organization', 'acme');
    form.append('file', new File([CSV], 'tasks "May".csv', { type: 'text/csv' }));
    form.append('comment', 'after the file');
    const request = new Request('https://tasks-ingest.test/', { method: 'POST', body: form });
    const boundary = multipartBoundary(request.headers.get('content-type') ?? '');
    const body = new Uint8Array(await request.arrayBuffer());

    const file = await readFile(body, chunkSize, boundary ?? 'no boundary');

    expect(file).toEqual({
      filename: 'tasks "May".csv',
      contentType: 'text/csv',
      content: encoder.encode(CSV),
    });
  });

  it('tolerates a preamble before the first boundary and an epilogue after the last', async () => {
    const framing = { preamble: 'This is a multi-part message.\r\n', epilogue: '\r\nThe end.' };
    const body = multipartBody([fileWith(CSV)], framing);

    const file = await readFile(body, chunkSize);

    expect(file?.content).toEqual(encoder.encode(CSV));
  });

  it('accepts part headers of almost 16 KiB', async () => {
    const file = fileWith(CSV);
    file.headers.push(`X-Padding: ${'p'.repeat(16 * 1024 - 200)}`);
    const body = multipartBody([file]);

    const read = await readFile(body, chunkSize);

    expect(read?.content).toEqual(encoder.encode(CSV));
  });

  it.each([
    ['CRLF line breaks', 'a,b\r\nc,d\r\ne,f'],
    ['content that ends with CRLF', 'a,b\r\n'],
    ['content that ends with CR', 'a,b\r'],
    ['content that starts with CRLF', '\r\na,b'],
    ['blank lines like the end of a header block', 'a\r\n\r\n\r\nb'],
    ['a lone CRLF', '\r\n'],
    ['an empty file', ''],
    ['the boundary without the CRLF before it', `a--${BOUNDARY}\n--${BOUNDARY}--\r--${BOUNDARY}`],
    ['a delimiter-like sequence', `a\r\n--${BOUNDARY.slice(0, -1)}\r\n-\r\n--\r\n`],
    ['UTF-8 text', 'tâche,日本語,😀\r\n'],
    ['every byte value', Uint8Array.from({ length: 512 }, (_, index) => (index * 7) % 256)],
  ])('keeps %s inside the file', async (_case, content) => {
    const body = multipartBody([fileWith(content), field('comment', 'after')]);

    const file = await readFile(body, chunkSize);

    expect(file?.content).toEqual(typeof content === 'string' ? encoder.encode(content) : content);
  });

  it.each([
    ['a quoted filename', 'form-data; name="file"; filename="tasks.csv"', 'tasks.csv'],
    ['an unquoted filename', 'form-data; name=file; filename=tasks.csv', 'tasks.csv'],
    ['an escaped quote', 'form-data; name="file"; filename="the \\"best\\".csv"', 'the "best".csv'],
    [
      'a percent-encoded quote',
      'form-data; name="file"; filename="the %22best%22.csv"',
      'the "best".csv',
    ],
    [
      'a backslash that escapes nothing',
      'form-data; name="file"; filename="C:\\d\\t.csv"',
      'C:\\d\\t.csv',
    ],
    ['raw UTF-8', 'form-data; name="file"; filename="tâches.csv"', 'tâches.csv'],
    [
      'filename* (RFC 5987)',
      "form-data; name=file; filename*=UTF-8''t%C3%A2ches%20mai.csv",
      'tâches mai.csv',
    ],
    [
      'filename* after filename',
      `form-data; name=file; filename="a.csv"; filename*=utf-8'fr'%C3%A0.csv`,
      'à.csv',
    ],
    [
      'filename* before filename',
      "form-data; name=file; filename*=UTF-8''%C3%A0.csv; filename=a.csv",
      'à.csv',
    ],
    ['filename* in ISO-8859-1', "form-data; name=file; filename*=iso-8859-1''%E0.csv", 'à.csv'],
    [
      'an undecodable filename*',
      "form-data; name=file; filename=a.csv; filename*=UTF-8''%FF.csv",
      'a.csv',
    ],
    ['other parameter spacing and case', 'Form-Data ;Name="file";  FILENAME = "a.csv" ', 'a.csv'],
    ['no filename', 'form-data; name="file"', null],
    ['an empty filename', 'form-data; name="file"; filename=""', null],
  ])('reads %s', async (_case, disposition, filename) => {
    const headers = [`content-DISPOSITION:${disposition}`];
    const body = multipartBody([{ headers, content: CSV }]);

    const file = await readFile(body, chunkSize);

    expect(file).toEqual({ filename, contentType: null, content: encoder.encode(CSV) });
  });

  it.each([
    ['inside the content', (body: Uint8Array) => cutBefore(body, 'T-1')],
    ['right after the content', (body: Uint8Array) => cutBefore(body, `\r\n--${BOUNDARY}--`)],
    ['inside the delimiter', (body: Uint8Array) => cutBefore(body, `${BOUNDARY.slice(4)}--`)],
    ['right after the delimiter', (body: Uint8Array) => cutBefore(body, `--\r\n`)],
    ['after the first closing dash', (body: Uint8Array) => cutBefore(body, `-\r\n`)],
  ])('errors the file stream when the body ends %s', async (_case, truncate) => {
    const body = truncate(multipartBody([fileWith(CSV)]));
    const part = await findFilePart(meteredBody(body, chunkSize).stream, BOUNDARY, 'file');

    const reading = new Response(part?.body).arrayBuffer();

    await expect(reading).rejects.toThrow(MultipartError);
    await expect(reading).rejects.toThrow('the upload ended before the file was complete');
  });

  const fieldAndFile = multipartBody([field('organization', 'acme'), fileWith(CSV)]);
  const fieldOnly = multipartBody([field('organization', 'acme')]);
  const withFileHeaders = (...headers: string[]) => multipartBody([{ headers, content: CSV }]);
  const fileThenBadDelimiter = encoder.encode(
    `--${BOUNDARY}\r\n${fileWith(CSV).headers[0]}\r\n\r\n${CSV}\r\n--${BOUNDARY}oops\r\n`,
  );
  it.each([
    ['an empty body', new Uint8Array(0)],
    ['a body without the boundary', encoder.encode(CSV)],
    ['a body that ends inside the part headers', cutBefore(fieldAndFile, 'Content-Type')],
    ['a body that ends inside a field before the file', cutBefore(fieldAndFile, 'cme')],
    ['a body that ends without its closing boundary', cutBefore(fieldOnly, `--${BOUNDARY}--`)],
    ['a header line without a colon', withFileHeaders('Content-Disposition form-data; name=file')],
    ['a header name with a space', withFileHeaders('Content Disposition: form-data; name=file')],
    ['an unclosed quote', withFileHeaders('Content-Disposition: form-data; name="file')],
    ['text after a quoted value', withFileHeaders('Content-Disposition: form-data; name="f"ile')],
    ['part headers over 16 KiB', withFileHeaders(`X-Padding: ${'p'.repeat(16 * 1024)}`)],
    ['text after a boundary on its line', encoder.encode(`--${BOUNDARY}oops\r\n\r\nx\r\n`)],
    ['text after the delimiter that ends the file', fileThenBadDelimiter],
  ])('refuses %s', async (_case, body) => {
    const reading = readFile(body, chunkSize);

    await expect(reading).rejects.toThrow(MultipartError);
  });
});

describe('findFilePart and the body stream', () => {
  const FILE_BYTES = 5 * 1024 * 1024;
  const head = encoder.encode(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n`,
  );
  const tail = encoder.encode(
    `\r\n--${BOUNDARY}\r\n${field('comment', 'after').headers[0]}\r\n\r\n`,
  );

  /** Pseudo-random bytes with an incomplete delimiter planted every 997 bytes. */
  function syntheticFile(): Uint8Array {
    const file = new Uint8Array(FILE_BYTES);
    let state = 0x2545f491;
    for (let index = 0; index < file.length; index++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      file[index] = state & 0xff;
    }

    const delimiter = encoder.encode(`\r\n--${BOUNDARY}`);
    for (let at = 0, planted = 0; at + delimiter.length < file.length; at += 997, planted++) {
      const prefix = delimiter.subarray(0, 1 + (planted % (delimiter.length - 1)));
      file.set(prefix, at);
      file[at + prefix.length] = 0; // not the delimiter's next byte, whatever the random one was
    }
    return file;
  }

  it.each([16381, 65536])(
    'streams 5 MiB in %i-byte chunks byte for byte, reading ahead only a partial delimiter',
    async (chunkSize) => {
      const file = syntheticFile();
      const { stream, meter } = meteredBody(concat([head, file, tail]), chunkSize);
      const digest = new crypto.DigestStream('SHA-256');
      const digestWriter = digest.getWriter();

      const part = await findFilePart(stream, BOUNDARY, 'file');
      const pulledBeforeReading = meter.pulledBytes;
      const reader = part!.body.getReader();
      let consumed = 0;
      let largestLead = 0;
      let largestChunk = 0;
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        consumed += read.value.length;
        largestChunk = Math.max(largestChunk, read.value.length);
        await digestWriter.write(read.value);

        // Give a stream that reads ahead the time to do it before looking.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const lead = meter.pulledBytes - head.length - consumed;
        if (consumed < FILE_BYTES) largestLead = Math.max(largestLead, lead);
      }
      await digestWriter.close();

      expect(consumed).toBe(FILE_BYTES);
      const expectedDigest = await crypto.subtle.digest('SHA-256', file);
      expect(new Uint8Array(await digest.digest)).toEqual(new Uint8Array(expectedDigest));
      expect(pulledBeforeReading).toBeLessThanOrEqual(head.length + chunkSize);
      expect(largestLead).toBeLessThan(`\r\n--${BOUNDARY}`.length);
      expect(largestChunk).toBeLessThan(chunkSize + `\r\n--${BOUNDARY}`.length);
    },
  );

  it('stops reading the body at the end of the file', async () => {
    const body = multipartBody([fileWith(CSV), field('comment', 'c'.repeat(100_000))]);
    const { stream, meter } = meteredBody(body, 64);

    const part = await findFilePart(stream, BOUNDARY, 'file');
    await new Response(part!.body).arrayBuffer();

    expect(meter.pulledBytes).toBeLessThan(1024);
    expect(meter.cancelReason).toBeUndefined();
  });

  it('cancels the body when the file stream is cancelled', async () => {
    const body = multipartBody([fileWith(CSV.repeat(100))]);
    const { stream, meter } = meteredBody(body, 64);

    const part = await findFilePart(stream, BOUNDARY, 'file');
    await part!.body.cancel('the client went away');

    expect(meter.cancelReason).toBe('the client went away');
  });

  it('cancels the body when it is malformed', async () => {
    const body = encoder.encode(`--${BOUNDARY}\r\nno colon here\r\n\r\n${CSV}`);
    const { stream, meter } = meteredBody(body, 64);

    await expect(findFilePart(stream, BOUNDARY, 'file')).rejects.toThrow(MultipartError);

    expect(meter.cancelReason).toBeInstanceOf(MultipartError);
  });

  it("reads a request's own body stream", async () => {
    const form = new FormData();
    const content = syntheticFile().subarray(0, 300_000);
    form.append('file', new Blob([content]), 'export.bin');
    const request = new Request('https://tasks-ingest.test/', { method: 'POST', body: form });
    const boundary = multipartBoundary(request.headers.get('content-type') ?? '');

    const part = await findFilePart(request.body!, boundary!, 'file');
    const received = new Uint8Array(await new Response(part!.body).arrayBuffer());

    expect(part!.filename).toBe('export.bin');
    expect(part!.contentType).toBe('application/octet-stream');
    expect(received).toEqual(content);
  });
});
