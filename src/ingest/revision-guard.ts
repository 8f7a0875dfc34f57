/** Tables whose rows carry a `revision` that every write increments. */
export type RevisedTable = 'employees' | 'tasks';

/**
 * A statement that aborts its batch, through the always-failing CHECK of `write_conflicts`,
 * if any row of `rowsJson` (arrays that start with the id and the revision read) was written
 * since it was read. Put it before the batch's UPDATE of the same rows.
 */
export function revisionGuard(
  db: D1Database,
  table: RevisedTable,
  rowsJson: string,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO write_conflicts (ok)
       SELECT 0
         FROM jsonb_each(?1) AS row
         JOIN ${table} AS stored ON stored.id = row.value ->> 0
        WHERE stored.revision <> row.value ->> 1
        LIMIT 1`,
    )
    .bind(rowsJson);
}

/**
 * A statement that aborts its batch unless the employees matching these identifiers, and
 * the tasks with these external ids, are exactly `expected` (same ids, same revisions): the
 * proof that a decision taken from cached records is the one a fresh read would give.
 */
export function snapshotGuard(
  db: D1Database,
  organizationId: string,
  keys: { agentExternalIds: string[]; agentEmailKeys: string[]; taskExternalIds: string[] },
  expected: { employees: Revised[]; tasks: Revised[] },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO write_conflicts (ok)
       SELECT 0
        WHERE (SELECT group_concat(id || ':' || revision, ',' ORDER BY id)
                 FROM employees
                WHERE organization_id = ?1
                  AND (external_id IN (SELECT value FROM json_each(?2))
                       OR email_key IN (SELECT value FROM json_each(?3)))) IS NOT ?4
           OR (SELECT group_concat(id || ':' || revision, ',' ORDER BY id)
                 FROM tasks
                WHERE organization_id = ?1
                  AND external_id IN (SELECT value FROM json_each(?5))) IS NOT ?6`,
    )
    .bind(
      organizationId,
      JSON.stringify(keys.agentExternalIds),
      JSON.stringify(keys.agentEmailKeys),
      fingerprint(expected.employees),
      JSON.stringify(keys.taskExternalIds),
      fingerprint(expected.tasks),
    );
}

interface Revised {
  id: string;
  revision: number;
}

/** `id:revision` pairs in id order, as the guard's group_concat writes them; null for none. */
function fingerprint(records: Revised[]): string | null {
  if (records.length === 0) return null;
  const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.map((record) => `${record.id}:${record.revision}`).join(',');
}
