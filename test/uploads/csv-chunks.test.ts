import { describe, expect, it } from 'vitest';

import { coalesceChunks } from '../../src/uploads/csv/chunks';

async function* chunksOfSizes(...sizes: number[]) {
  for (const size of sizes) yield new Uint8Array(size).fill(size % 256);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const collected = [];
  for await (const chunk of chunks) collected.push(chunk);
  return collected;
}

describe('coalesceChunks', () => {
  it('joins 4 KiB chunks into chunks of at least 64 KiB', async () => {
    const chunks = chunksOfSizes(...Array<number>(40).fill(4096));

    const coalesced = await collect(coalesceChunks(chunks, 65536));

    expect(coalesced.map((chunk) => chunk.length)).toEqual([65536, 65536, 32768]);
  });

  it('keeps the bytes in order across the joins', async () => {
    const chunks = chunksOfSizes(1, 2, 3, 4);

    const coalesced = await collect(coalesceChunks(chunks, 4));

    expect(coalesced).toEqual([new Uint8Array([1, 2, 2, 3, 3, 3]), new Uint8Array([4, 4, 4, 4])]);
  });

  it('passes a chunk that is large enough through without copying it', async () => {
    const large = new Uint8Array(70_000);
    async function* chunks() {
      yield large;
    }

    const coalesced = await collect(coalesceChunks(chunks(), 65536));

    expect(coalesced).toHaveLength(1);
    expect(coalesced[0]).toBe(large);
  });

  it('drops empty chunks', async () => {
    const chunks = chunksOfSizes(0, 5, 0, 0, 2);

    const coalesced = await collect(coalesceChunks(chunks, 1));

    expect(coalesced.map((chunk) => chunk.length)).toEqual([5, 2]);
  });
});
