import { ApiError } from '../http/errors';
import { CsvError } from './csv/errors';
import {
  DEFAULT_MAX_RECORD_BYTES,
  hasOnlyEmptyCells,
  parseCsv,
  type CsvRecord,
} from './csv/parser';
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
    for await (const record of parseCsv(new Blob([start]).stream())) {
      // Rows of empty cells above the header are blank lines in disguise, as they are below it.
      if (!record.problem && hasOnlyEmptyCells(record.cells)) continue;
      return record;
    }
    return null;
  } catch (error) {
    if (error instanceof CsvError && error.code === 'record_too_large') {
      const limit = `${DEFAULT_MAX_RECORD_BYTES} bytes (1 MiB)`;
      throw headerProblem(
        `The header row is longer than ${limit}: does it open a quote that is never closed?`,
      );
    }
    if (error instanceof CsvError) throw headerProblem(error.message);
    throw error;
  }
}

function headerProblem(detail: string): ApiError {
  return new ApiError('invalid_csv_header', detail);
}
