// The raw ceiling's upserts: `INSERT ... SELECT ... FROM jsonb_each(?) WHERE true ON CONFLICT
// ... DO UPDATE`, the fastest bulk statement measured on local D1 (BENCHMARKS.md); `WHERE true`
// lets SQLite read the ON CONFLICT after a SELECT. ?1 is the organization, ?2 a JSON array of
// rows, each an array of column values in the order of the column list, as the service sends
// them. Shared by the raw-D1 Worker and the node:sqlite reference, so this file imports nothing.

export const UPSERT_EMPLOYEES = `
  INSERT INTO employees
         (id, organization_id, external_id, email, email_key, name, revision, created_at,
          updated_at)
  SELECT row.value ->> 0, ?1, row.value ->> 1, row.value ->> 2, row.value ->> 3,
         row.value ->> 4, 0, row.value ->> 5, row.value ->> 6
    FROM jsonb_each(?2) AS row
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
  SELECT row.value ->> 0, ?1, row.value ->> 1, row.value ->> 2, row.value ->> 3,
         row.value ->> 4, 0, row.value ->> 5, row.value ->> 6
    FROM jsonb_each(?2) AS row
   WHERE true
      ON CONFLICT (organization_id, external_id) DO UPDATE
     SET employee_id = excluded.employee_id,
         completed_at = excluded.completed_at,
         custom_attributes = excluded.custom_attributes,
         revision = tasks.revision + 1,
         updated_at = excluded.updated_at`;
