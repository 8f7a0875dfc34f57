-- Organizations own everything else; their API keys are stored only as SHA-256 hashes.
CREATE TABLE organizations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id),
  key_hash        TEXT NOT NULL UNIQUE,
  -- The first characters of the key, so that a person can tell their keys apart.
  key_hint        TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  revoked_at      TEXT
);

-- Agents as the organization knows them. `revision` grows with every write, so that a
-- writer can tell whether a row changed since it was read.
CREATE TABLE employees (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id),
  external_id     TEXT,
  email           TEXT,
  -- The email lower-cased: emails are compared case-insensitively.
  email_key       TEXT,
  name            TEXT,
  revision        INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  CHECK (external_id IS NOT NULL OR email IS NOT NULL),
  CHECK ((email IS NULL) = (email_key IS NULL))
);

-- NULLs are distinct in a UNIQUE index, so employees without one identifier coexist.
CREATE UNIQUE INDEX employees_external_id ON employees (organization_id, external_id);
CREATE UNIQUE INDEX employees_email_key ON employees (organization_id, email_key);

CREATE TABLE tasks (
  id                TEXT PRIMARY KEY,
  organization_id   TEXT NOT NULL REFERENCES organizations (id),
  external_id       TEXT NOT NULL,
  employee_id       TEXT NOT NULL REFERENCES employees (id),
  completed_at      TEXT NOT NULL,
  -- JSON text, exactly as serialized from the request: key order and value types kept.
  custom_attributes TEXT NOT NULL,
  revision          INTEGER NOT NULL DEFAULT 0,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  UNIQUE (organization_id, external_id)
);

CREATE INDEX tasks_employee ON tasks (employee_id);

-- Never holds a row: an INSERT of 0 aborts a write batch whose rows changed after they
-- were read (optimistic concurrency), and the whole batch rolls back.
CREATE TABLE write_conflicts (
  ok INTEGER NOT NULL CONSTRAINT write_conflict CHECK (ok = 1)
);
