import { revisionGuard } from '../ingest/revision-guard';
import { toJsonBatches } from '../lib/json-batches';
import { emailKey, type Employee } from './employee';

export interface EmployeeRow {
  id: string;
  external_id: string | null;
  email: string | null;
  name: string | null;
  revision: number;
  created_at: string;
  updated_at: string;
}

const EMPLOYEE_COLUMNS = `id, external_id, email, name, revision, created_at, updated_at`;

/** Every employee of the organization that has one of these external ids or emails. */
export function selectEmployeesByIdentifiers(
  db: D1Database,
  organizationId: string,
  externalIds: readonly string[],
  emails: readonly string[],
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT ${EMPLOYEE_COLUMNS}
         FROM employees
        WHERE organization_id = ?1
          AND (external_id IN (SELECT value FROM json_each(?2))
               OR email_key IN (SELECT value FROM json_each(?3)))`,
    )
    .bind(organizationId, JSON.stringify(externalIds), JSON.stringify(emails.map(emailKey)));
}

export function toEmployee(row: EmployeeRow): Employee {
  return {
    id: row.id,
    externalId: row.external_id,
    email: row.email,
    name: row.name,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Plain INSERTs: an employee created meanwhile by someone else fails the whole batch. */
export function insertEmployees(
  db: D1Database,
  organizationId: string,
  employees: readonly Employee[],
): D1PreparedStatement[] {
  const rows = employees.map((employee) => [
    employee.id,
    employee.externalId,
    employee.email,
    emailKeyOf(employee),
    employee.name,
    employee.createdAt,
    employee.updatedAt,
  ]);
  return toJsonBatches(rows).map((json) =>
    db
      .prepare(
        `INSERT INTO employees
                (id, organization_id, external_id, email, email_key, name, revision,
                 created_at, updated_at)
         SELECT row.value ->> 0, ?1, row.value ->> 1, row.value ->> 2, row.value ->> 3,
                row.value ->> 4, 0, row.value ->> 5, row.value ->> 6
           FROM jsonb_each(?2) AS row`,
      )
      .bind(organizationId, json),
  );
}

/**
 * Aborts the batch (see `revisionGuard`) if any of these employees was
 * written since it was read, then applies the new values.
 */
export function updateEmployees(
  db: D1Database,
  employees: readonly { employee: Employee; readRevision: number }[],
): D1PreparedStatement[] {
  const rows = employees.map(({ employee, readRevision }) => [
    employee.id,
    readRevision,
    employee.externalId,
    employee.email,
    emailKeyOf(employee),
    employee.name,
    employee.updatedAt,
  ]);

  return toJsonBatches(rows).flatMap((json) => [
    revisionGuard(db, 'employees', json),
    db
      .prepare(
        `UPDATE employees
            SET external_id = row.value ->> 2,
                email = row.value ->> 3,
                email_key = row.value ->> 4,
                name = row.value ->> 5,
                revision = employees.revision + 1,
                updated_at = row.value ->> 6
           FROM jsonb_each(?1) AS row
          WHERE employees.id = row.value ->> 0`,
      )
      .bind(json),
  ]);
}

function emailKeyOf(employee: Employee): string | null {
  return employee.email === null ? null : emailKey(employee.email);
}
