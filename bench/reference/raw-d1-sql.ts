// The raw ceiling's upserts: `INSERT ... SELECT ... FROM json_each(?) WHERE true ON CONFLICT
// ... DO UPDATE`, the fastest bulk statement on local D1 (PLATFORM.md); `WHERE true` lets
// SQLite read the ON CONFLICT after a SELECT. ?1 is the organization, ?2 a JSON array of rows.
// Shared by the raw-D1 Worker and the node:sqlite reference, so this file imports nothing.

export const UPSERT_EMPLOYEES = `
  INSERT INTO employees
         (id, organization_id, external_id, email, email_key, name, revision, created_at,
          updated_at)
  SELECT row.value ->> 'id', ?1, row.value ->> 'external_id', row.value ->> 'email',
         row.value ->> 'email_key', row.value ->> 'name', 0, row.value ->> 'created_at',
         row.value ->> 'updated_at'
    FROM json_each(?2) AS row
   WHERE true
      ON CONFLICT (organization_id, external_id) DO UPDATE
     SET email = excluded.email,
         email_key = excluded.email_key,
         name = excluded.name,
         revision = employees.revision + 1,
         updated_at = excluded.updated_at`;

export const UPSERT_TASKS = `
  INSERT INTO tasks
         (id, organization_id, external_id, employee_id, completed_at, custom_attributes,
          revision, created_at, updated_at)
  SELECT row.value ->> 'id', ?1, row.value ->> 'external_id', row.value ->> 'employee_id',
         row.value ->> 'completed_at', row.value ->> 'custom_attributes', 0,
         row.value ->> 'created_at', row.value ->> 'updated_at'
    FROM json_each(?2) AS row
   WHERE true
      ON CONFLICT (organization_id, external_id) DO UPDATE
     SET employee_id = excluded.employee_id,
         completed_at = excluded.completed_at,
         custom_attributes = excluded.custom_attributes,
         revision = tasks.revision + 1,
         updated_at = excluded.updated_at`;
