import { describe, expect, it } from 'vitest';

import { BodyReader } from '../../src/uploads/body-reader';

const bytesOf = (size: number) => new Uint8Array(size).map((_, index) => index % 253);

async function readAll(reader: BodyReader) {
  const pieces: Uint8Array[] = [];
  for (let piece = await reader.read(); piece; piece = await reader.read()) pieces.push(piece);
  const bytes = new Uint8Array(await new Blob(pieces).arrayBuffer());
  return { bytes, sizes: pieces.map((piece) => piece.length) };
}

describe('BodyReader', () => {
  it('reads a request body in pieces of 64 KiB, the last one shorter', async () => {
    const sent = bytesOf(3 * 65_536 + 100);
    const request = new Request('https://tasks-ingest.test/', { method: 'POST', body: sent });

    const read = await readAll(new BodyReader(request.body!));

    expect(read.sizes).toEqual([65_536, 65_536, 65_536, 100]);
    expect(read.bytes).toEqual(sent);
  });

  it('reads a stream that is not a byte stream chunk by chunk, as it comes', async () => {
    const sent = bytesOf(10_000);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let start = 0; start < sent.length; start += 3_000) {
          controller.enqueue(sent.slice(start, start + 3_000));
        }
        controller.close();
      },
    });

    const read = await readAll(new BodyReader(stream));

    expect(read.sizes).toEqual([3_000, 3_000, 3_000, 1_000]);
    expect(read.bytes).toEqual(sent);
  });

  it('answers null at once for an empty body', async () => {
    const request = new Request('https://tasks-ingest.test/', { method: 'POST', body: '' });

    expect(await new BodyReader(request.body!).read()).toBeNull();
  });

  it('cancels the stream it reads', async () => {
    let cancelled: unknown = null;
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(bytesOf(10)),
      cancel: (reason) => {
        cancelled = reason;
      },
    });
    const reader = new BodyReader(stream);

    await reader.read();
    await reader.cancel('the client went away');

    expect(cancelled).toBe('the client went away');
  });
});
