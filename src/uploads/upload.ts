export type UploadStatus = 'pending' | 'processing' | 'completed' | 'failed';

/** An upload as stored, with its progress through the file. */
export interface Upload {
  id: string;
  organizationId: string;
  status: UploadStatus;
  filename: string | null;
  sizeBytes: number;
  objectKey: string;
  header: string[];
  totalRows: number | null;
  processedRows: number;
  createdRows: number;
  updatedRows: number;
  unchangedRows: number;
  failedRows: number;
  /** Where the next unread record starts. */
  nextOffset: number;
  nextLine: number;
  nextRow: number;
  /** Chunks committed so far. */
  step: number;
  leaseId: string | null;
  leaseUntil: string | null;
  attempts: number;
  lastError: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  updatedAt: string;
}

/** One refused row, in the upload's error report. */
export interface UploadRowError {
  row: number;
  line: number;
  externalId: string | null;
  code: string;
  field: string | null;
  message: string;
  cells: string[];
}

/** What one committed chunk adds to an upload's progress. */
export interface ChunkProgress {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  nextOffset: number;
  nextLine: number;
  nextRow: number;
  /** Set on the last chunk: the file is read to its end. */
  totalRows: number | null;
}
