import { toJsonBatches } from '../lib/json-batches';
import type { UploadRowError } from './upload';

export function insertRowErrors(
  db: D1Database,
  uploadId: string,
  errors: readonly UploadRowError[],
): D1PreparedStatement[] {
  const rows = errors.map((error) => [
    error.row,
    error.line,
    error.externalId,
    error.code,
    error.field,
    error.message,
    // Nested as an array, not as its JSON text: text inside JSON is escaped a second time.
    error.cells,
  ]);
  return toJsonBatches(rows).map((json) =>
    db
      .prepare(
        `INSERT INTO upload_errors
                (upload_id, row_number, line, external_id, code, field, message, cells)
         SELECT ?1, row.value ->> 0, row.value ->> 1, row.value ->> 2, row.value ->> 3,
                row.value ->> 4, row.value ->> 5, row.value -> 6
           FROM jsonb_each(?2) AS row`,
      )
      .bind(uploadId, json),
  );
}

/** Row errors in row order, after the row `afterRow`, at most `limit` of them. */
export async function listRowErrors(
  db: D1Database,
  uploadId: string,
  afterRow: number,
  limit: number,
): Promise<UploadRowError[]> {
  const { results } = await selectRowErrors(db, uploadId, afterRow, limit).all<RowErrorRow>();
  return results.map(toRowError);
}

export interface RowErrorRow {
  row_number: number;
  line: number;
  external_id: string | null;
  code: string;
  field: string | null;
  message: string;
  cells: string;
}

/** The statement of `listRowErrors`, for a batch that reads more at the same instant. */
export function selectRowErrors(
  db: D1Database,
  uploadId: string,
  afterRow: number,
  limit: number,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT row_number, line, external_id, code, field, message, cells
         FROM upload_errors
        WHERE upload_id = ?1
          AND row_number > ?2
        ORDER BY row_number
        LIMIT ?3`,
    )
    .bind(uploadId, afterRow, limit);
}

export function toRowError(row: RowErrorRow): UploadRowError {
  return {
    row: row.row_number,
    line: row.line,
    externalId: row.external_id,
    code: row.code,
    field: row.field,
    message: row.message,
    cells: JSON.parse(row.cells),
  };
}
