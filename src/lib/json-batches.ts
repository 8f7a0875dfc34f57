/**
 * D1 refuses a string parameter over 2 MB in production. Rows travel to `jsonb_each(?)` as
 * one JSON text, so they are cut into groups whose JSON stays well below that: 600,000
 * UTF-16 units are at most 1.8 MB of UTF-8.
 */
const MAX_JSON_UNITS = 600_000;

/** Fewer, larger statements are faster; 1,000 rows keeps one statement's work short. */
const MAX_ROWS = 1_000;

/**
 * Splits rows into JSON arrays small enough for one bound parameter each. Rows are arrays
 * of column values rather than objects: SQLite then reads each value by its position in the
 * row (`row.value ->> 0`) instead of looking up a key, and there are no keys to send.
 */
export function toJsonBatches(rows: readonly (readonly unknown[])[]): string[] {
  const batches: string[] = [];
  for (let start = 0; start < rows.length; start += MAX_ROWS) {
    pushGroup(rows.slice(start, start + MAX_ROWS), batches);
  }
  return batches;
}

/** One JSON text for the group, or two for its halves when it would be too long. */
function pushGroup(rows: readonly (readonly unknown[])[], batches: string[]): void {
  const json = JSON.stringify(rows);
  if (json.length <= MAX_JSON_UNITS || rows.length === 1) {
    batches.push(json);
    return;
  }

  const half = Math.ceil(rows.length / 2);
  pushGroup(rows.slice(0, half), batches);
  pushGroup(rows.slice(half), batches);
}
