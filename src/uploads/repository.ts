import { toJsonBatches } from '../lib/json-batches';
import type { ChunkProgress, Upload, UploadRowError } from './upload';

interface UploadRow {
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
  const row = await db
    .prepare(`SELECT * FROM uploads WHERE id = ?1 AND organization_id = ?2`)
    .bind(uploadId, organizationId)
    .first<UploadRow>();
  return row ? toUpload(row) : null;
}

/** For the queue consumer, which knows only the upload's id. */
export async function findUploadById(db: D1Database, uploadId: string): Promise<Upload | null> {
  const row = await db
    .prepare(`SELECT * FROM uploads WHERE id = ?1`)
    .bind(uploadId)
    .first<UploadRow>();
  return row ? toUpload(row) : null;
}

/**
 * Takes the upload for one consumer until `leaseUntil`, if it is unfinished, still at
 * `step`, and nobody else holds it. Returns the upload as claimed, or null.
 */
export async function claimUpload(
  db: D1Database,
  claim: { uploadId: string; step: number; leaseId: string; leaseUntil: string; now: string },
): Promise<Upload | null> {
  const row = await db
    .prepare(
      `UPDATE uploads
          SET status = 'processing',
              lease_id = ?3,
              lease_until = ?4,
              started_at = COALESCE(started_at, ?5),
              updated_at = ?5
        WHERE id = ?1
          AND step = ?2
          AND status IN ('pending', 'processing')
          AND (lease_until IS NULL OR lease_until < ?5)
       RETURNING *`,
    )
    .bind(claim.uploadId, claim.step, claim.leaseId, claim.leaseUntil, claim.now)
    .first<UploadRow>();
  return row ? toUpload(row) : null;
}

/**
 * Statements that commit a chunk's progress with its rows: they abort the batch unless the
 * consumer still holds the upload at the step it read, then advance counters and offset.
 */
export function recordChunk(
  db: D1Database,
  lease: { uploadId: string; step: number; leaseId: string; leaseUntil: string },
  progress: ChunkProgress,
  errors: readonly UploadRowError[],
  now: string,
): D1PreparedStatement[] {
  const processed = progress.created + progress.updated + progress.unchanged + progress.failed;
  const finished = progress.totalRows !== null;

  return [
    db
      .prepare(
        `INSERT INTO lost_leases (ok)
         SELECT 0
          WHERE NOT EXISTS (SELECT 1 FROM uploads WHERE id = ?1 AND step = ?2 AND lease_id = ?3)`,
      )
      .bind(lease.uploadId, lease.step, lease.leaseId),
    ...insertRowErrors(db, lease.uploadId, errors),
    db
      .prepare(
        `UPDATE uploads
            SET processed_rows = processed_rows + ?2,
                created_rows = created_rows + ?3,
                updated_rows = updated_rows + ?4,
                unchanged_rows = unchanged_rows + ?5,
                failed_rows = failed_rows + ?6,
                next_offset = ?7,
                next_line = ?8,
                next_row = ?9,
                total_rows = ?10,
                status = CASE WHEN ?11 THEN 'completed' ELSE status END,
                completed_at = CASE WHEN ?11 THEN ?12 ELSE NULL END,
                lease_id = CASE WHEN ?11 THEN NULL ELSE lease_id END,
                lease_until = CASE WHEN ?11 THEN NULL ELSE ?13 END,
                step = step + 1,
                attempts = 0,
                last_error = NULL,
                updated_at = ?12
          WHERE id = ?1`,
      )
      .bind(
        lease.uploadId,
        processed,
        progress.created,
        progress.updated,
        progress.unchanged,
        progress.failed,
        progress.nextOffset,
        progress.nextLine,
        progress.nextRow,
        progress.totalRows,
        finished ? 1 : 0,
        now,
        lease.leaseUntil,
      ),
  ];
}

function insertRowErrors(
  db: D1Database,
  uploadId: string,
  errors: readonly UploadRowError[],
): D1PreparedStatement[] {
  const rows = errors.map((error) => ({
    row_number: error.row,
    line: error.line,
    external_id: error.externalId,
    code: error.code,
    field: error.field,
    message: error.message,
    cells: JSON.stringify(error.cells),
  }));
  return toJsonBatches(rows).map((json) =>
    db
      .prepare(
        `INSERT INTO upload_errors
                (upload_id, row_number, line, external_id, code, field, message, cells)
         SELECT ?1, row.value ->> 'row_number', row.value ->> 'line', row.value ->> 'external_id',
                row.value ->> 'code', row.value ->> 'field', row.value ->> 'message',
                row.value ->> 'cells'
           FROM json_each(?2) AS row`,
      )
      .bind(uploadId, json),
  );
}

/**
 * Hands the upload back so that the next message can take it at once; with an error, counts
 * one more failed attempt.
 */
export async function releaseUpload(
  db: D1Database,
  lease: { uploadId: string; leaseId: string },
  lastError: string | null,
  now: string,
): Promise<void> {
  await db
    .prepare(
      `UPDATE uploads
          SET lease_id = NULL,
              lease_until = NULL,
              attempts = attempts + CASE WHEN ?3 IS NULL THEN 0 ELSE 1 END,
              last_error = COALESCE(?3, last_error),
              updated_at = ?4
        WHERE id = ?1 AND lease_id = ?2`,
    )
    .bind(lease.uploadId, lease.leaseId, lastError, now)
    .run();
}

/** Ends an unfinished upload as failed; rows stored before stay stored and counted. */
export async function failUpload(
  db: D1Database,
  uploadId: string,
  reason: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE uploads
          SET status = 'failed', error = ?2, lease_id = NULL, lease_until = NULL,
              completed_at = ?3, updated_at = ?3
        WHERE id = ?1
          AND status IN ('pending', 'processing')`,
    )
    .bind(uploadId, reason, now)
    .run();
  return result.meta.changes > 0;
}

/** Row errors in row order, after the row `afterRow`, at most `limit` of them. */
export async function listRowErrors(
  db: D1Database,
  uploadId: string,
  afterRow: number,
  limit: number,
): Promise<UploadRowError[]> {
  const { results } = await db
    .prepare(
      `SELECT row_number, line, external_id, code, field, message, cells
         FROM upload_errors
        WHERE upload_id = ?1
          AND row_number > ?2
        ORDER BY row_number
        LIMIT ?3`,
    )
    .bind(uploadId, afterRow, limit)
    .all<{
      row_number: number;
      line: number;
      external_id: string | null;
      code: string;
      field: string | null;
      message: string;
      cells: string;
    }>();
  return results.map((row) => ({
    row: row.row_number,
    line: row.line,
    externalId: row.external_id,
    code: row.code,
    field: row.field,
    message: row.message,
    cells: JSON.parse(row.cells),
  }));
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

function toUpload(row: UploadRow): Upload {
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
