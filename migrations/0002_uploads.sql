-- CSV uploads and their progress. The counters, `next_offset` and `step` change only in
-- the same transaction as the rows they count, so they are exact at every moment.
CREATE TABLE uploads (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id),
  status          TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  filename        TEXT,
  size_bytes      INTEGER NOT NULL,
  object_key      TEXT NOT NULL,
  -- The header row as sent (JSON array of strings), for the error report's CSV.
  header          TEXT NOT NULL,
  total_rows      INTEGER,
  processed_rows  INTEGER NOT NULL DEFAULT 0,
  created_rows    INTEGER NOT NULL DEFAULT 0,
  updated_rows    INTEGER NOT NULL DEFAULT 0,
  unchanged_rows  INTEGER NOT NULL DEFAULT 0,
  failed_rows     INTEGER NOT NULL DEFAULT 0,
  -- Where the next unread record starts: byte offset, physical line, spreadsheet row.
  next_offset     INTEGER NOT NULL,
  next_line       INTEGER NOT NULL,
  next_row        INTEGER NOT NULL,
  -- Chunks committed so far; a queue message names the step it expects to find.
  step            INTEGER NOT NULL DEFAULT 0,
  -- The consumer that holds the upload, and until when: one upload's chunks never overlap.
  lease_id        TEXT,
  lease_until     TEXT,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  error           TEXT,
  created_at      TEXT NOT NULL,
  started_at      TEXT,
  completed_at    TEXT,
  updated_at      TEXT NOT NULL,
  CHECK (processed_rows = created_rows + updated_rows + unchanged_rows + failed_rows)
);

CREATE INDEX uploads_unfinished ON uploads (status, updated_at)
  WHERE status IN ('pending', 'processing');
CREATE INDEX uploads_finished ON uploads (completed_at)
  WHERE completed_at IS NOT NULL;

-- Every refused row of an upload, with its original cells for the error report.
CREATE TABLE upload_errors (
  upload_id   TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
  row_number  INTEGER NOT NULL,
  line        INTEGER NOT NULL,
  external_id TEXT,
  code        TEXT NOT NULL,
  field       TEXT,
  message     TEXT NOT NULL,
  cells       TEXT NOT NULL,
  PRIMARY KEY (upload_id, row_number)
) WITHOUT ROWID;

-- Never holds a row, like write_conflicts: a chunk's batch inserts 0 here, and so rolls
-- back whole, when its consumer no longer holds the upload at the step it read.
CREATE TABLE lost_leases (
  ok INTEGER NOT NULL CONSTRAINT lease_lost CHECK (ok = 1)
);
