import { ApiError } from '../http/errors';
import { CsvError } from './csv/errors';
import { DEFAULT_MAX_RECORD_BYTES, readFirstRecord, type CsvRecord } from './csv/parser';
import { mapColumns } from './columns';

/**
 * Checks the header row at the start of a file, as it streams in: refused with 422 naming
 * the columns when the upload could never work, so that nothing is stored.
 */
export async function readHeader(start: Uint8Array, isWholeFile: boolean): Promise<CsvRecord> {
  const header = await firstRecord(start);
  if (!header) throw headerProblem('The file is empty: a header row is required.');
  if (!isWholeFile && header.nextOffset >= start.byteLength) {
    throw headerProblem(`The header row is longer than ${start.byteLength} bytes.`);
  }
  if (header.problem) throw headerProblem(`The header row is malformed: ${header.problem}.`);

  const columns = mapColumns(header.cells);
  if (!columns.ok) {
    const names = columns.errors.map((error) => error.column || '(unnamed)').join(', ');
    throw new ApiError(
      'invalid_csv_header',
      `The header row cannot be used: ${names}.`,
      columns.errors,
    );
  }
  return header;
}

async function firstRecord(start: Uint8Array): Promise<CsvRecord | null> {
  try {
    return await readFirstRecord(new Blob([start]).stream());
  } catch (error) {
    if (error instanceof CsvError && error.code === 'record_too_large') {
      throw headerProblem(
        `The header row is longer than ${DEFAULT_MAX_RECORD_BYTES} bytes (1 MiB).`,
      );
    }
    if (error instanceof CsvError) throw headerProblem(error.message);
    throw error;
  }
}

function headerProblem(detail: string): ApiError {
  return new ApiError('invalid_csv_header', detail);
}
