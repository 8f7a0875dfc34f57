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
  const reader = source.getReader();
  const part = new Uint8Array(PART_BYTES);
  let filled = 0;
  let size = 0;
  let multipart: R2MultipartUpload | null = null;
  const parts: R2UploadedPart[] = [];

  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
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
