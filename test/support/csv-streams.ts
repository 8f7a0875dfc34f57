import { parseCsv, type CsvRecord, type ParseCsvOptions } from '../../src/uploads/csv/parser';

/** Chunk sizes that cut a CSV everywhere: inside `\r\n`, `""` and multi-byte characters. */
export const CHUNK_SIZES = [1, 2, 3, 7, 64, 65536];

const encoder = new TextEncoder();

/** The bytes of text and raw byte values, in order. */
export function bytesOf(...parts: (string | number[])[]): Uint8Array {
  const encoded = parts.map((part) => (typeof part === 'string' ? encoder.encode(part) : part));
  const bytes = new Uint8Array(encoded.reduce((size, part) => size + part.length, 0));

  let offset = 0;
  for (const part of encoded) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** A stream of the bytes cut into chunks of `chunkSize`; `onCancel` hears a cancellation. */
export function streamOf(
  bytes: Uint8Array,
  chunkSize: number,
  onCancel?: () => void,
): ReadableStream<Uint8Array> {
  let offset = 0;

  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
    cancel: () => onCancel?.(),
  });
}

/** Every record of the CSV, read in chunks of exactly `chunkSize` bytes (no coalescing). */
export async function parseAll(
  csv: string | Uint8Array,
  chunkSize: number,
  options: ParseCsvOptions = {},
): Promise<CsvRecord[]> {
  const bytes = typeof csv === 'string' ? encoder.encode(csv) : csv;
  const records: CsvRecord[] = [];

  for await (const record of parseCsv(streamOf(bytes, chunkSize), {
    coalesceBytes: 1,
    ...options,
  })) {
    records.push(record);
  }
  return records;
}
