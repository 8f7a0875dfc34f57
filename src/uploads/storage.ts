import { BodyReader } from './body-reader';

/**
 * R2 multipart uploads need parts of at least 5 MiB, all of one size but the last. One part
 * is all the receiver ever holds in memory, whatever the file's size.
 */
export const PART_BYTES = 5 * 1024 * 1024;

export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`);
  }
}

export interface StoreOptions {
  maxBytes: number;
  /**
   * Sees the file's first part before anything is written (the whole file if it is that
   * small); throwing refuses the file and nothing is kept.
   */
  inspectStart: (start: Uint8Array, isWholeFile: boolean) => Promise<void>;
}

/**
 * Streams bytes into R2 at `key`: one `put` for a file that fits in one part, a multipart
 * upload otherwise. Over `maxBytes` it stops reading, deletes what it wrote and throws
 * TooLargeError. Returns the file's size.
 */
export async function storeStream(
  bucket: R2Bucket,
  key: string,
  source: ReadableStream<Uint8Array>,
  options: StoreOptions,
): Promise<number> {
  const reader = new BodyReader(source);
  const part = new Uint8Array(PART_BYTES);
  let filled = 0;
  let size = 0;
  let multipart: R2MultipartUpload | null = null;
  const parts: R2UploadedPart[] = [];

  try {
    for (;;) {
      const value = await reader.read();
      if (!value) break;
      size += value.byteLength;
      if (size > options.maxBytes) throw new TooLargeError(options.maxBytes);

      for (let taken = 0; taken < value.byteLength;) {
        const count = Math.min(value.byteLength - taken, PART_BYTES - filled);
        part.set(value.subarray(taken, taken + count), filled);
        filled += count;
        taken += count;
        if (filled < PART_BYTES) continue;

        if (!multipart) {
          await options.inspectStart(part, false);
          multipart = await bucket.createMultipartUpload(key);
        }
        parts.push(await multipart.uploadPart(parts.length + 1, part));
        filled = 0;
      }
    }

    if (!multipart) {
      await options.inspectStart(part.subarray(0, filled), true);
      await bucket.put(key, part.subarray(0, filled));
      return size;
    }
    if (filled > 0)
      parts.push(await multipart.uploadPart(parts.length + 1, part.subarray(0, filled)));
    await multipart.complete(parts);
    return size;
  } catch (error) {
    await multipart?.abort().catch(() => {});
    await reader.cancel().catch(() => {});
    throw error;
  }
}

/**
 * Bytes read from R2 per request when a stored file is read back. A whole range arrives in one
 * piece instead of a stream of small chunks (4 KiB each from local R2), and the next range is
 * requested while the current one is read, so that its latency overlaps that work.
 */
export const READ_RANGE_BYTES = 1024 * 1024;

/**
 * The stored file's bytes from `offset` to `size`, in ranges of READ_RANGE_BYTES, or null when
 * the file is not in storage. The ranges throw if it disappears before it has been read.
 */
export async function openStoredRanges(
  bucket: R2Bucket,
  key: string,
  offset: number,
  size: number,
): Promise<AsyncGenerator<Uint8Array, void> | null> {
  const first = offset < size ? await readRange(bucket, key, offset, size) : new Uint8Array(0);
  return first ? ranges(bucket, key, first, offset, size) : null;
}

async function* ranges(
  bucket: R2Bucket,
  key: string,
  first: Uint8Array,
  offset: number,
  size: number,
): AsyncGenerator<Uint8Array, void> {
  const rangeAt = (start: number) => {
    if (start >= size) return null;
    const range = readRange(bucket, key, start, size).then((bytes) => {
      if (!bytes) throw new Error(`The stored file ${key} disappeared while it was being read.`);
      return bytes;
    });
    // Awaited later, or never when the reader stops early: its failure is not unhandled.
    range.catch(() => undefined);
    return range;
  };

  let range = first;
  for (let start = offset + first.length; range.length > 0; start += range.length) {
    // Requested before this range is handed out, so that reading overlaps the parsing.
    const next = rangeAt(start);
    yield range;
    range = (await next) ?? new Uint8Array(0);
  }
}

/** The range at `offset` (at most READ_RANGE_BYTES, not past `size`), or null if there is no file. */
async function readRange(bucket: R2Bucket, key: string, offset: number, size: number) {
  const length = Math.min(READ_RANGE_BYTES, size - offset);
  const object = await bucket.get(key, { range: { offset, length } });
  if (!object) return null;

  const bytes = new Uint8Array(await object.arrayBuffer());
  if (bytes.length === 0) throw new Error(`The stored file ${key} ends before byte ${offset}.`);
  return bytes;
}
