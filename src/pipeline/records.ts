// An upload's stored file, read from where its committed progress stands.

import { CsvError } from '../uploads/csv/errors';
import { parseCsvBatches, type CsvRecord } from '../uploads/csv/parser';
import { openStoredRanges } from '../uploads/storage';
import type { Upload } from '../uploads/upload';
import type { Chunk } from './chunk';

/** What follows the records read so far: more of them, the end, or an unreadable file. */
export type Following = { kind: 'more' } | { kind: 'end' } | { kind: 'invalid'; reason: string };

const MORE: Following = { kind: 'more' };

/**
 * The records of an upload's file, handed out one by one from the batches the parser reads,
 * so that a consumer waits once a batch (a range of the file) rather than once a record.
 */
export class RecordReader {
  private batch: CsvRecord[] = [];
  private index = 0;
  /** The end of the file, or why it cannot be read further, once it has been reached. */
  private last: Following | null = null;

  constructor(private readonly batches: AsyncGenerator<CsvRecord[], void>) {}

  hasRecord(): boolean {
    return this.index < this.batch.length;
  }

  /** The next record at hand; call only when `hasRecord()`. */
  take(): CsvRecord {
    return this.batch[this.index++]!;
  }

  /** Reads the next batch of records once those at hand are taken. */
  async refill(): Promise<Following> {
    if (this.last) return this.last;
    try {
      const next = await this.batches.next();
      if (next.done) return (this.last = { kind: 'end' });
      this.batch = next.value;
      this.index = 0;
      return MORE;
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      return (this.last = { kind: 'invalid', reason: error.message });
    }
  }

  /** Stops reading the file. */
  async close(): Promise<void> {
    await this.batches.return(undefined);
  }
}

/**
 * Adds records to the chunk until it is full (see `Chunk.isFull`), then looks one record
 * ahead, so that a chunk which ends the file knows it is the last one.
 */
export async function fillChunk(records: RecordReader, chunk: Chunk, rows: number) {
  for (;;) {
    while (!chunk.isFull(rows) && records.hasRecord()) chunk.add(records.take());
    if (records.hasRecord()) return MORE;

    const following = await records.refill();
    if (following.kind !== 'more') return following;
  }
}

/** The file's records from the stored offset on (ranged reads), or null if it is gone. */
export async function openRecords(env: Env, upload: Upload): Promise<RecordReader | null> {
  const { objectKey, nextOffset, sizeBytes } = upload;
  const bytes = await openStoredRanges(env.UPLOADS, objectKey, nextOffset, sizeBytes);
  if (!bytes) return null;
  return new RecordReader(parseCsvBatches(bytes, { offset: nextOffset, line: upload.nextLine }));
}
