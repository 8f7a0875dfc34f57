import { selectRowErrors, toRowError, type RowErrorRow } from './row-errors-repository';
import type { Upload, UploadRowError } from './upload';

export interface UploadRow {
  id: string;
  organization_id: string;
  status: Upload['status'];
  filename: string | null;
  size_bytes: number;
  object_key: string;
  header: string;
  total_rows: number | null;
  processed_rows: number;
  created_rows: number;
  updated_rows: number;
  unchanged_rows: number;
  failed_rows: number;
  next_offset: number;
  next_line: number;
  next_row: number;
  step: number;
  lease_id: string | null;
  lease_until: string | null;
  attempts: number;
  last_error: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
}

export const UPLOAD_COLUMNS = `id, organization_id, status, filename, size_bytes, object_key, header,
  total_rows, processed_rows, created_rows, updated_rows, unchanged_rows, failed_rows,
  next_offset, next_line, next_row, step, lease_id, lease_until, attempts, last_error, error,
  created_at, started_at, completed_at, updated_at`;

export async function insertUpload(db: D1Database, upload: Upload): Promise<void> {
  await db
    .prepare(
      `INSERT INTO uploads
              (id, organization_id, status, filename, size_bytes, object_key, header,
               next_offset, next_line, next_row, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)`,
    )
    .bind(
      upload.id,
      upload.organizationId,
      upload.status,
      upload.filename,
      upload.sizeBytes,
      upload.objectKey,
      JSON.stringify(upload.header),
      upload.nextOffset,
      upload.nextLine,
      upload.nextRow,
      upload.createdAt,
    )
    .run();
}

/** The organization's upload, or null: another organization's upload is null too. */
export async function findUpload(
  db: D1Database,
  organizationId: string,
  uploadId: string,
): Promise<Upload | null> {
  const row = await selectUpload(db, organizationId, uploadId).first<UploadRow>();
  return row ? toUpload(row) : null;
}

/**
 * The organization's upload with its first `limit` row errors, read in one batch so that the
 * errors are those its counters include; null for an upload that is not the organization's.
 */
export async function findUploadWithFirstErrors(
  db: D1Database,
  organizationId: string,
  uploadId: string,
  limit: number,
): Promise<{ upload: Upload; firstErrors: UploadRowError[] } | null> {
  const [uploads, errors] = await db.batch<UploadRow | RowErrorRow>([
    selectUpload(db, organizationId, uploadId),
    selectRowErrors(db, uploadId, 0, limit),
  ]);
  const row = uploads!.results[0] as UploadRow | undefined;
  if (!row) return null;
  return { upload: toUpload(row), firstErrors: (errors!.results as RowErrorRow[]).map(toRowError) };
}

function selectUpload(db: D1Database, organizationId: string, uploadId: string) {
  return db
    .prepare(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = ?1 AND organization_id = ?2`)
    .bind(uploadId, organizationId);
}

/** For the queue consumer, which knows only the upload's id. */
export async function findUploadById(db: D1Database, uploadId: string): Promise<Upload | null> {
  const row = await db
    .prepare(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = ?1`)
    .bind(uploadId)
    .first<UploadRow>();
  return row ? toUpload(row) : null;
}

/** Unfinished uploads that nobody holds and that have not moved since `before`. */
export async function listStalledUploads(
  db: D1Database,
  before: string,
  limit: number,
): Promise<{ id: string; step: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT id, step
         FROM uploads
        WHERE status IN ('pending', 'processing')
          AND updated_at < ?1
          AND (lease_until IS NULL OR lease_until < ?1)
        ORDER BY updated_at
        LIMIT ?2`,
    )
    .bind(before, limit)
    .all<{ id: string; step: number }>();
  return results;
}

/** Deletes uploads (and, by cascade, their row errors) that finished before `before`. */
export async function deleteFinishedUploads(db: D1Database, before: string): Promise<number> {
  const result = await db
    .prepare(
      `DELETE FROM uploads
        WHERE status IN ('completed', 'failed')
          AND completed_at < ?1`,
    )
    .bind(before)
    .run();
  return result.meta.changes;
}

export function toUpload(row: UploadRow): Upload {
  return {
    id: row.id,
    organizationId: row.organization_id,
    status: row.status,
    filename: row.filename,
    sizeBytes: row.size_bytes,
    objectKey: row.object_key,
    header: JSON.parse(row.header),
    totalRows: row.total_rows,
    processedRows: row.processed_rows,
    createdRows: row.created_rows,
    updatedRows: row.updated_rows,
    unchangedRows: row.unchanged_rows,
    failedRows: row.failed_rows,
    nextOffset: row.next_offset,
    nextLine: row.next_line,
    nextRow: row.next_row,
    step: row.step,
    leaseId: row.lease_id,
    leaseUntil: row.lease_until,
    attempts: row.attempts,
    lastError: row.last_error,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    updatedAt: row.updated_at,
  };
}
