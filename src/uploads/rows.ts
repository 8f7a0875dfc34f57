import { taskInputSchema, type TaskInput } from '../tasks/schemas';
import type { ColumnMap } from './columns';

export interface RowError {
  code: string;
  field: string | null;
  message: string;
}

export type RowResult = { ok: true; task: TaskInput } | { ok: false; error: RowError };

/**
 * One data row as the task a POST would send, validated by the same schema: an empty cell
 * is an absent field, a custom cell's text is its value (no type guessing).
 */
export function readRow(cells: string[], columns: ColumnMap, width: number): RowResult {
  for (let index = width; index < cells.length; index++) {
    if (cells[index] !== '') {
      return failure('too_many_cells', null, `has ${cells.length} cells; the header has ${width}`);
    }
  }

  const customAttributes: [string, string][] = [];
  for (const { key, index } of columns.custom) {
    const value = cells[index];
    if (value) customAttributes.push([key, value]);
  }

  const parsed = taskInputSchema.safeParse({
    external_id: cellAt(cells, columns.externalId),
    agent: {
      external_id: cellAt(cells, columns.agentExternalId),
      email: cellAt(cells, columns.agentEmail),
      name: cellAt(cells, columns.agentName),
    },
    completed_at: cellAt(cells, columns.completedAt),
    // Entries, not assignments: a column named custom___proto__ must stay a plain key.
    custom_attributes: Object.fromEntries(customAttributes),
  });
  if (parsed.success) return { ok: true, task: parsed.data };

  const problems = parsed.error.issues.map((issue) => {
    const field = columnOf(issue.path);
    // The rule about the agent object reads, in a CSV, as a rule about two columns.
    if (field === 'agent') return { field, message: 'needs agent_external_id or agent_email' };
    return { field, message: issue.message };
  });
  const first = problems[0]!;
  const absent = first.message === 'is required' || first.field === 'agent';
  const code = `${absent ? 'missing' : 'invalid'}_${first.field}`;
  const message = problems.map((problem) => `${problem.field} ${problem.message}`).join('; ');
  return failure(code, first.field, message);
}

/** The cell's text, or undefined for an empty cell or one the row lacks. */
function cellAt(cells: string[], index: number | null): string | undefined {
  return index === null ? undefined : cells[index] || undefined;
}

/** The CSV column a task field comes from: `agent.email` is `agent_email`, and so on. */
function columnOf(path: PropertyKey[]): string {
  const [field, key] = path.map(String);
  if (field === 'agent') return key ? `agent_${key}` : 'agent';
  if (field === 'custom_attributes' && key !== undefined) return `custom_${key}`;
  return field ?? 'row';
}

function failure(code: string, field: string | null, message: string): RowResult {
  return { ok: false, error: { code, field, message } };
}
