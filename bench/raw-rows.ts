import { newId } from '../src/lib/ids.ts';
import { AGENT_COUNT, agentOf, generateRows } from './generate-csv.ts';

/** D1 statements per batch, and rows per statement, of the raw ceiling (PLATFORM.md). */
export const ROWS_PER_STATEMENT = 1_000;
export const STATEMENTS_PER_BATCH = 10;

/**
 * The generated rows as the service would store them, already cut into JSON texts of 1,000
 * rows (one `jsonb_each(?)` parameter each): the raw references do nothing but write them.
 */
export interface RawRows {
  employees: string[];
  tasks: string[];
  taskCount: number;
}

export function buildRawRows(rowCount: number): RawRows {
  const now = new Date().toISOString();
  const employees = Array.from({ length: Math.min(AGENT_COUNT, rowCount) }, (_, k) => {
    const { externalId, email, name } = agentOf(k);
    return [newId('emp'), externalId, email, email.toLowerCase(), name, now, now];
  });

  // Columns in the order of the raw references' column lists (reference/raw-d1-sql.ts).
  const tasks: unknown[][] = [];
  for (const row of generateRows(rowCount)) {
    const employeeId = employees[row.agent]![0];
    const custom = row.customAttributes;
    tasks.push([newId('task'), row.externalId, employeeId, row.completedAtUtc, custom, now, now]);
  }
  return { employees: toJsonTexts(employees), tasks: toJsonTexts(tasks), taskCount: tasks.length };
}

/** Groups JSON texts by batch: each group is one request to the raw-D1 Worker. */
export function inBatches(texts: string[]): string[][] {
  const batches: string[][] = [];
  for (let start = 0; start < texts.length; start += STATEMENTS_PER_BATCH) {
    batches.push(texts.slice(start, start + STATEMENTS_PER_BATCH));
  }
  return batches;
}

function toJsonTexts(rows: unknown[][]): string[] {
  const texts: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    texts.push(JSON.stringify(rows.slice(start, start + ROWS_PER_STATEMENT)));
  }
  return texts;
}
