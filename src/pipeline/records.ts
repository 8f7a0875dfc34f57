// An upload's stored file, read from where its committed progress stands.

import { CsvError } from '../uploads/csv/errors';
import { parseCsv, type CsvRecord } from '../uploads/csv/parser';
import type { Upload } from '../uploads/upload';

export type NextRecord =
  { kind: 'record'; record: CsvRecord } | { kind: 'end' } | { kind: 'invalid'; reason: string };

/** The next record, the end of the file, or why the file cannot be read further. */
export async function nextRecord(records: AsyncGenerator<CsvRecord, void>): Promise<NextRecord> {
  try {
    const next = await records.next();
    return next.done ? { kind: 'end' } : { kind: 'record', record: next.value };
  } catch (error) {
    if (error instanceof CsvError) return { kind: 'invalid', reason: error.message };
    throw error;
  }
}

/** The file's records from the stored offset on (a ranged read), or null if it is gone. */
export async function openRecords(env: Env, upload: Upload) {
  if (upload.nextOffset >= upload.sizeBytes) return emptyRecords();

  const object = await env.UPLOADS.get(upload.objectKey, {
    range: { offset: upload.nextOffset },
  });
  if (!object) return null;
  return parseCsv(object.body, { offset: upload.nextOffset, line: upload.nextLine });
}

async function* emptyRecords(): AsyncGenerator<CsvRecord, void> {}
