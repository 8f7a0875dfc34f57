import { insertRowErrors } from '../uploads/row-errors-repository';
import { toUpload, UPLOAD_COLUMNS, type UploadRow } from '../uploads/repository';
import type { ChunkProgress, Upload, UploadRowError } from '../uploads/upload';

/** What an expired lease that is taken over says of the consumer that held it. */
export const ABANDONED_STEP_ERROR = 'A consumer stopped before finishing its step.';

/**
 * Takes the upload for one consumer until `leaseUntil`, if it is unfinished, still at
 * `step`, and nobody else holds it. Returns the upload as claimed, or null. A lease that
 * expired without being handed back was held by a consumer that died mid-step: taking it
 * over counts that as a failed attempt, so that a step which kills its consumer every time
 * ends the upload instead of repeating forever.
 */
export async function claimUpload(
  db: D1Database,
  claim: { uploadId: string; step: number; leaseId: string; leaseUntil: string; now: string },
): Promise<Upload | null> {
  const row = await db
    .prepare(
      `UPDATE uploads
          SET status = 'processing',
              attempts = attempts + (lease_id IS NOT NULL),
              last_error = CASE WHEN lease_id IS NOT NULL THEN ?6 ELSE last_error END,
              lease_id = ?3,
              lease_until = ?4,
              started_at = COALESCE(started_at, ?5),
              updated_at = ?5
        WHERE id = ?1
          AND step = ?2
          AND status IN ('pending', 'processing')
          AND (lease_until IS NULL OR lease_until < ?5)
       RETURNING ${UPLOAD_COLUMNS}`,
    )
    .bind(
      claim.uploadId,
      claim.step,
      claim.leaseId,
      claim.leaseUntil,
      claim.now,
      ABANDONED_STEP_ERROR,
    )
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

/**
 * Counts one more failed attempt of the upload held under this lease, and returns how many
 * failed in a row (chunk commits reset the count), or null if the lease is no longer held.
 */
export async function countFailedAttempt(
  db: D1Database,
  lease: { uploadId: string; leaseId: string },
  error: string,
  now: string,
): Promise<number | null> {
  const row = await db
    .prepare(
      `UPDATE uploads
          SET attempts = attempts + 1, last_error = ?3, updated_at = ?4
        WHERE id = ?1 AND lease_id = ?2
       RETURNING attempts`,
    )
    .bind(lease.uploadId, lease.leaseId, error, now)
    .first<{ attempts: number }>();
  return row ? row.attempts : null;
}

/** Hands the upload back, so that the next message can take it at once. */
export async function releaseUpload(
  db: D1Database,
  lease: { uploadId: string; leaseId: string },
  now: string,
): Promise<void> {
  await db
    .prepare(
      `UPDATE uploads
          SET lease_id = NULL, lease_until = NULL, updated_at = ?3
        WHERE id = ?1 AND lease_id = ?2`,
    )
    .bind(lease.uploadId, lease.leaseId, now)
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

/**
 * Ends an upload as failed if it is unfinished, still at `step` and held by no consumer (no
 * lease, or an expired one); false when it has moved on.
 */
export async function failStalledUpload(
  db: D1Database,
  at: { uploadId: string; step: number; now: string },
  reason: string,
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE uploads
          SET status = 'failed', error = ?3, lease_id = NULL, lease_until = NULL,
              completed_at = ?4, updated_at = ?4
        WHERE id = ?1
          AND step = ?2
          AND status IN ('pending', 'processing')
          AND (lease_until IS NULL OR lease_until < ?4)`,
    )
    .bind(at.uploadId, at.step, reason, at.now)
    .run();
  return result.meta.changes > 0;
}
