/**
 * D1 refuses a string parameter over 2 MB in production. Rows travel to `json_each(?)` as
 * one JSON text, so they are cut into groups whose JSON stays well below that: 600,000
 * UTF-16 units are at most 1.8 MB of UTF-8.
 */
const MAX_JSON_UNITS = 600_000;

/** Fewer, larger statements are faster; 1,000 rows keeps one statement's work short. */
const MAX_ROWS = 1_000;

/** Splits rows into JSON arrays small enough for one bound parameter each. */
export function toJsonBatches<T>(rows: readonly T[]): string[] {
  const batches: string[] = [];
  let current: string[] = [];
  let units = 2;

  for (const row of rows) {
    const json = JSON.stringify(row);
    if (
      current.length > 0 &&
      (current.length >= MAX_ROWS || units + json.length + 1 > MAX_JSON_UNITS)
    ) {
      batches.push(`[${current.join(',')}]`);
      current = [];
      units = 2;
    }
    current.push(json);
    units += json.length + 1;
  }

  if (current.length > 0) batches.push(`[${current.join(',')}]`);
  return batches;
}
