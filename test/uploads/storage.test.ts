import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { receiveUpload } from '../../src/uploads/receive';
import {
  openStoredRanges,
  PART_BYTES,
  READ_RANGE_BYTES,
  storeStream,
  TooLargeError,
} from '../../src/uploads/storage';
import { createOrganization } from '../support/organizations';
import { envWith, validCsv } from '../support/pipeline';

/** A stream of `total` bytes in 64 KiB chunks, made as it is read. */
function generatedStream(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const size = Math.min(64 * 1024, total - sent);
      controller.enqueue(new Uint8Array(size).map((_, index) => (sent + index) % 251));
      sent += size;
    },
  });
}

async function sha256(stream: ReadableStream<Uint8Array>): Promise<string> {
  const digest = new crypto.DigestStream('SHA-256');
  await stream.pipeTo(digest);
  return [...new Uint8Array(await digest.digest)]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
}

const accept = async () => {};

describe('storing an upload in R2', () => {
  it.each([
    ['smaller than one part', 1000],
    ['exactly one part', PART_BYTES],
    ['several parts and a short last one', 2 * PART_BYTES + 12_345],
  ])('keeps a file %s byte for byte', async (_case, size) => {
    const key = `test/${crypto.randomUUID()}`;

    const stored = await storeStream(env.UPLOADS, key, generatedStream(size), {
      maxBytes: 100 * PART_BYTES,
      inspectStart: accept,
    });

    expect(stored).toBe(size);
    const object = await env.UPLOADS.get(key);
    expect(object?.size).toBe(size);
    expect(await sha256(object!.body)).toBe(await sha256(generatedStream(size)));
  });

  it('shows the start of the file before writing anything, and keeps nothing when refused', async () => {
    const key = `test/${crypto.randomUUID()}`;
    const seen: number[] = [];

    const refusal = storeStream(env.UPLOADS, key, generatedStream(3 * PART_BYTES), {
      maxBytes: 100 * PART_BYTES,
      inspectStart: async (start, isWholeFile) => {
        seen.push(start.byteLength, Number(isWholeFile));
        throw new Error('bad header');
      },
    });

    await expect(refusal).rejects.toThrow('bad header');
    expect(seen).toEqual([PART_BYTES, 0]);
    expect(await env.UPLOADS.head(key)).toBeNull();
  });

  it('stops at the limit while streaming and keeps nothing of a larger file', async () => {
    const key = `test/${crypto.randomUUID()}`;

    const refusal = storeStream(env.UPLOADS, key, generatedStream(3 * PART_BYTES), {
      maxBytes: 2 * PART_BYTES,
      inspectStart: accept,
    });

    await expect(refusal).rejects.toBeInstanceOf(TooLargeError);
    expect(await env.UPLOADS.head(key)).toBeNull();
  });
});

describe('storing a file whose length the request declares', () => {
  const trailerBytes = new TextEncoder().encode('\r\n--boundary--\r\n');
  const trailer = async function* () {
    yield trailerBytes;
  };
  const declaring = (size: number, extra = 0) => ({
    length: size + trailerBytes.length + extra,
    trailer,
  });

  it.each([
    ['smaller than one part', 1000],
    ['several parts long', 2 * PART_BYTES + 12_345],
  ])(
    'stores a file %s with what follows it as one object, read back as the file',
    async (_case, size) => {
      const key = `test/${crypto.randomUUID()}`;

      const stored = await storeStream(env.UPLOADS, key, generatedStream(size), {
        maxBytes: 100 * PART_BYTES,
        inspectStart: accept,
        declared: declaring(size),
      });

      expect(stored).toBe(size);
      expect((await env.UPLOADS.head(key))?.size).toBe(size + trailerBytes.length);
      const read = await readAll((await openStoredRanges(env.UPLOADS, key, 0, size))!);
      const file = new Uint8Array(await new Response(generatedStream(size)).arrayBuffer());
      expect(read.bytes).toEqual(file);
    },
  );

  it('shows the start of the file before writing anything, and keeps nothing when refused', async () => {
    const key = `test/${crypto.randomUUID()}`;

    const refusal = storeStream(env.UPLOADS, key, generatedStream(3 * PART_BYTES), {
      maxBytes: 100 * PART_BYTES,
      inspectStart: async () => {
        throw new Error('bad header');
      },
      declared: declaring(3 * PART_BYTES),
    });

    await expect(refusal).rejects.toThrow('bad header');
    expect(await env.UPLOADS.head(key)).toBeNull();
  });

  it.each([
    ['a file over the limit', 3 * PART_BYTES, 0, TooLargeError],
    ['a body that ends before its declared length', PART_BYTES + 1000, 5000, Error],
  ])('keeps nothing of %s', async (_case, size, missing, refusal) => {
    const key = `test/${crypto.randomUUID()}`;

    const storing = storeStream(env.UPLOADS, key, generatedStream(size), {
      maxBytes: 2 * PART_BYTES,
      inspectStart: accept,
      declared: declaring(size, missing),
    });

    await expect(storing).rejects.toBeInstanceOf(refusal);
    expect(await env.UPLOADS.head(key)).toBeNull();
  });
});

/** The bytes a stored file's ranges add up to, and how many ranges there were. */
async function readAll(ranges: AsyncGenerator<Uint8Array, void>) {
  const pieces: Uint8Array[] = [];
  for await (const range of ranges) pieces.push(range);
  const bytes = new Uint8Array(await new Blob(pieces).arrayBuffer());
  return { bytes, ranges: pieces.length };
}

describe('reading a stored file back in ranges', () => {
  const size = 2 * READ_RANGE_BYTES + 777;

  async function storedFile() {
    const key = `test/${crypto.randomUUID()}`;
    await storeStream(env.UPLOADS, key, generatedStream(size), {
      maxBytes: size,
      inspectStart: accept,
    });
    const expected = new Uint8Array(await (await env.UPLOADS.get(key))!.arrayBuffer());
    return { key, expected };
  }

  it.each([
    ['the start', 0, 3],
    ['an offset inside the first range', 1000, 2],
    ['an offset that leaves one short range', 2 * READ_RANGE_BYTES + 5, 1],
  ])('yields every byte from %s to the end, in ranges', async (_case, offset, rangeCount) => {
    const { key, expected } = await storedFile();

    const ranges = await openStoredRanges(env.UPLOADS, key, offset, size);
    const read = await readAll(ranges!);

    expect(read.ranges).toBe(rangeCount);
    expect(read.bytes).toEqual(expected.subarray(offset));
  });

  it('reads nothing at all from the end of the file', async () => {
    const ranges = await openStoredRanges(env.UPLOADS, 'test/never-stored', size, size);

    expect(await readAll(ranges!)).toEqual({ bytes: new Uint8Array(0), ranges: 0 });
  });

  it('answers null for a file that is not in storage', async () => {
    expect(await openStoredRanges(env.UPLOADS, 'test/never-stored', 0, size)).toBeNull();
  });

  it('throws when the file disappears before it has been read', async () => {
    const { key } = await storedFile();
    const ranges = (await openStoredRanges(env.UPLOADS, key, 0, size))!;

    await ranges.next();
    await env.UPLOADS.delete(key);

    await expect(readAll(ranges)).rejects.toThrow('disappeared while it was being read');
  });
});

describe('POST /tasks/upload with a body that grows past the maximum', () => {
  it('is refused with 413 while streaming, and nothing is kept', async () => {
    const organization = await createOrganization();
    const request = new Request('https://tasks-ingest.test/tasks/upload', {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body: new Blob([validCsv(200)]).stream(),
      // @ts-expect-error: `duplex` is required by fetch for a streamed body, but not in the types.
      duplex: 'half',
    });

    const refusal = receiveUpload(envWith({ MAX_UPLOAD_BYTES: '2000' }), request, organization.id);

    await expect(refusal).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
    const stored = await env.UPLOADS.list({ prefix: `uploads/${organization.id}/` });
    expect(stored.objects).toEqual([]);
  });
});
