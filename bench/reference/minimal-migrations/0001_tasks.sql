-- The minimal reference's only table: a task keyed by its external id, its agent as JSON.
CREATE TABLE tasks (
  id                TEXT PRIMARY KEY,
  external_id       TEXT NOT NULL UNIQUE,
  agent             TEXT NOT NULL,
  completed_at      TEXT NOT NULL,
  custom_attributes TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
