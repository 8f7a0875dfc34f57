import type { Upload, UploadRowError } from './upload';

/** The upload object of the API; `errors` holds the first few row errors. */
export function presentUpload(upload: Upload, firstErrors: UploadRowError[]) {
  return {
    id: upload.id,
    status: upload.status,
    filename: upload.filename,
    size_bytes: upload.sizeBytes,
    progress: progressOf(upload),
    total_rows: upload.totalRows,
    processed_rows: upload.processedRows,
    created_rows: upload.createdRows,
    updated_rows: upload.updatedRows,
    unchanged_rows: upload.unchangedRows,
    failed_rows: upload.failedRows,
    errors: firstErrors.map(presentRowError),
    error: upload.error,
    created_at: upload.createdAt,
    started_at: upload.startedAt,
    completed_at: upload.completedAt,
    updated_at: upload.updatedAt,
  };
}

export function presentRowError(error: UploadRowError) {
  return {
    row: error.row,
    line: error.line,
    external_id: error.externalId,
    code: error.code,
    field: error.field,
    message: error.message,
  };
}

/** The share of the file's bytes read and committed, from 0 to 1. */
function progressOf(upload: Upload): number {
  if (upload.status === 'completed') return 1;
  if (upload.status === 'pending' || upload.sizeBytes === 0) return 0;
  return Math.floor((upload.nextOffset / upload.sizeBytes) * 1000) / 1000;
}
