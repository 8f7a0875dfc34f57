/** Tables whose rows carry a `revision` that every write increments. */
export type RevisedTable = 'employees' | 'tasks';

/**
 * A statement that aborts its batch, through the always-failing CHECK of `write_conflicts`,
 * if any row of `rowsJson` (objects with `id` and `read_revision`) was written since it was
 * read. Put it before the batch's UPDATE of the same rows.
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
         FROM json_each(?1) AS row
         JOIN ${table} AS stored ON stored.id = row.value ->> 'id'
        WHERE stored.revision <> row.value ->> 'read_revision'
        LIMIT 1`,
    )
    .bind(rowsJson);
}
